import { and, eq } from 'drizzle-orm';
import { secretExposure } from '../connection/secretExposure';
import type { Ctx } from '../context';
import type { Tx } from '../db/client';
import { accountDefaults, accounts, incomingState } from '../db/schema';
import { DKIM_RECORD_FIELD, generateDkimKeyAhead } from '../dkim/settings';
import { type FieldError, MailroomError, parseInput } from '../errors';
import { healthWith, healthWords } from '../health/combine';
import { connectWithAuthorization, oauthPartsFor } from '../oauth/takeAuthorization';
import {
  type AccountView,
  accountInputSchema,
  accountPatchSchema,
  type Direction,
  type Health,
  type HealthParts,
  type IncomingStored,
  imapDefaultPorts,
  type OutgoingStored,
  pop3DefaultPorts,
  settingsOf,
} from '../schemas/account';
import { assertCanWrite } from './access';
import {
  applySecretChanges,
  completeIncoming,
  completeOutgoing,
  type SecretChanges,
  type StoredParts,
  secretStaysHere,
  secretStillApplies,
  splitSecrets,
} from './codec';
import { loadAccount, viewOf } from './load';
import { assertNameFree, assertOutgoingAllowed, assertSecretsPresent, assertTeamExists } from './rules';
import { addTimelineEvent } from './timeline';
import type { AccountRow } from './types';

type Part = Record<string, unknown>;

/** Fields of the outgoing part that do not touch the connection: changing them keeps the verification. */
const NON_CONNECTION_OUTGOING = new Set([
  'fromFilter',
  'fromNotAllowed',
  'sendMode',
  'replyTo',
  'rateLimitPerMinute',
  // DKIM signs here, after the connection: the verification still holds.
  'dkim',
]);

/**
 * Stored values derived from others (read-only in the view): they follow a change, they are not one, so
 * the timeline leaves them out. A DKIM key's record changes with the key, which is named as replaced.
 */
const DERIVED_FIELDS = new Set([`outgoing.${DKIM_RECORD_FIELD}`]);

/**
 * Changes an account. `outgoing`/`incoming` are merged into the stored part; secrets omitted = keep,
 * null = clear, string = replace. Moving a connection (host, port, Mailgun base URL) that has a stored
 * secret requires the secret again, so a stored password can never be redirected to a new server.
 */
export async function updateAccount({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: unknown;
}): Promise<AccountView> {
  const patch = parseInput(accountPatchSchema, input);
  return ctx.db.transaction(async (tx) => {
    const row = await loadAccount(ctx, tx, id, true);
    assertCanWrite(ctx.actor, row.teamId);
    if (patch.teamId !== undefined && patch.teamId !== row.teamId) {
      assertCanWrite(ctx.actor, patch.teamId);
      await assertTeamExists(tx, patch.teamId);
    }

    const merged = {
      name: patch.name ?? row.name,
      label: patch.label === undefined ? (row.label ?? undefined) : (patch.label ?? undefined),
      purpose: patch.purpose ?? row.purpose,
      teamId: patch.teamId === undefined ? row.teamId : patch.teamId,
      debug: patch.debug ?? row.debug,
      outgoing: mergePart(row.outgoing, patch.outgoing, 'outgoing'),
      incoming: mergePart(row.incoming, patch.incoming, 'incoming'),
    };
    const doc = parseInput(accountInputSchema, merged);
    // A DKIM key to generate is made here, off the event loop.
    const outgoingDoc = doc.outgoing ? await generateDkimKeyAhead(completeOutgoing(doc.outgoing)) : null;
    const incomingDoc = doc.incoming ? completeIncoming(doc.incoming) : null;
    assertOutgoingAllowed(ctx, outgoingDoc, row.outgoing);
    const { outgoing, incoming, changes } = splitSecrets(
      { outgoing: outgoingDoc, incoming: incomingDoc },
      row,
    );

    // A finished OAuth2 sign-in brings the refresh token (and the rest of the OAuth2 sign-in) itself.
    const signIn = patch.oauthAuthorizationId;
    const fromSignIn = signIn ? await oauthPartsFor(ctx, tx, signIn, { outgoing, incoming }) : [];
    assertSecretResupplied(
      row,
      { outgoing, incoming },
      changes,
      new Set(fromSignIn.flatMap((p) => [p, p.replace(/refreshToken$/, 'clientSecret')])),
    );
    const secrets = applySecretChanges(ctx.secrets, row.secrets, changes, { outgoing, incoming });
    assertSecretsPresent({ outgoing, incoming }, new Set([...Object.keys(secrets), ...fromSignIn]));
    if (doc.name.toLowerCase() !== row.name.toLowerCase() && row.stage !== 'deleted') {
      await assertNameFree(tx, doc.name, row.id);
    }

    const changed = diffFields(
      {
        name: row.name,
        label: row.label,
        purpose: row.purpose,
        teamId: row.teamId,
        debug: row.debug,
        outgoing: row.outgoing,
        incoming: row.incoming,
      },
      {
        name: doc.name,
        label: doc.label ?? null,
        purpose: doc.purpose,
        teamId: doc.teamId,
        debug: doc.debug,
        outgoing,
        incoming,
      },
    );
    const secretChanges = Object.entries(changes)
      .filter(([path, v]) => (v === null ? path in row.secrets : true))
      .map(([path, v]) => ({ path, change: v === null ? 'cleared' : 'replaced' }));
    if (changed.length === 0 && secretChanges.length === 0) {
      if (!signIn) return viewOf(tx, row);
      await connectWithAuthorization(ctx, tx, row, signIn);
      return viewOf(tx, await loadAccount(ctx, tx, row.id));
    }

    const connectionChanged =
      changed.some((c) => isConnectionField(c.path)) ||
      secretChanges.some((c) => c.path.startsWith('outgoing.') && !secretStaysHere(c.path));
    const incomingChanged =
      changed.some((c) => c.path.startsWith('incoming')) ||
      secretChanges.some((c) => c.path.startsWith('incoming.'));
    const resetVerification = connectionChanged && row.verifiedAt !== null;
    const now = ctx.now();
    const health = healthAfterChange(
      row,
      { outgoing, incoming },
      { outgoing: connectionChanged, incoming: incomingChanged },
      now,
    );
    const [updated] = await tx
      .update(accounts)
      .set({
        name: doc.name,
        label: doc.label ?? null,
        purpose: doc.purpose,
        teamId: doc.teamId,
        debug: doc.debug,
        outgoing,
        incoming,
        secrets,
        ...(resetVerification ? { verifiedAt: null } : {}),
        ...(health ? { health: health.health, healthReason: health.reason, healthParts: health.parts } : {}),
        // New sending settings start a new streak: the breaker's pause was about the old ones.
        ...(connectionChanged ? { failureStreak: 0, pausedUntil: null } : {}),
        updatedAt: now,
        updatedBy: ctx.actor.label,
      })
      .where(eq(accounts.id, row.id))
      .returning();
    const fields = [...changed.map((c) => c.path), ...secretChanges.map((c) => c.path)];
    await addTimelineEvent(ctx, tx, row.id, 'updated', `Changed ${fields.join(', ')}`, {
      changes: changed,
      credentialChanges: secretChanges,
    });
    if (health && health.health !== row.health) {
      await addTimelineEvent(
        ctx,
        tx,
        row.id,
        'health_changed',
        `Health: ${healthWords(health.health)}${health.reason ? ` — ${health.reason}` : ''}`,
        { from: row.health, to: health.health, reason: health.reason },
      );
    }
    // New incoming settings are polled at the poller's next turn, as a first poll: no backoff, no streak.
    if (incomingChanged && incoming) {
      await tx
        .update(incomingState)
        .set({ nextPollAt: null, failureStreak: 0, failingSince: null, reportedAt: null, lastError: null })
        .where(eq(incomingState.accountId, row.id));
    }
    await dropDefaultsThatNoLongerFit(ctx, tx, updated!);
    if (resetVerification) {
      await addTimelineEvent(
        ctx,
        tx,
        row.id,
        'verification_reset',
        'Verification reset: the outgoing connection changed',
      );
    }
    if (!signIn) return viewOf(tx, updated!);
    await connectWithAuthorization(ctx, tx, updated!, signIn);
    return viewOf(tx, await loadAccount(ctx, tx, row.id));
  });
}

/**
 * The account's health once some of its settings changed: a direction whose connection changed is
 * unknown until its next test, send or fetch ("Incoming: settings changed since the last test"), a
 * removed one no longer counts, the other keeps what its own evidence said. Null when nothing of that
 * changed.
 */
function healthAfterChange(
  row: AccountRow,
  parts: StoredParts,
  changedDirections: Record<Direction, boolean>,
  now: Date,
): { health: Health; reason: string | null; parts: HealthParts } | null {
  let next: { health: Health; reason: string | null; parts: HealthParts } | null = null;
  for (const direction of ['outgoing', 'incoming'] as const) {
    const removed = row[direction] !== null && parts[direction] === null;
    if (!changedDirections[direction] && !removed) continue;
    const label = direction === 'outgoing' ? 'Outgoing' : 'Incoming';
    const part = parts[direction]
      ? {
          health: 'unknown' as const,
          reason: `${label}: settings changed since the last test`,
          since: now.toISOString(),
        }
      : null;
    next = healthWith({ ...row, ...parts, healthParts: next?.parts ?? row.healthParts }, direction, part);
  }
  return next;
}

/**
 * Keeps defaults consistent with the account: a part that went away, or a move to another team, ends the
 * defaults that no longer apply (a team account cannot be the system default, nor another team's).
 */
async function dropDefaultsThatNoLongerFit(ctx: Ctx, tx: Tx, row: AccountRow): Promise<void> {
  const current = await tx.select().from(accountDefaults).where(eq(accountDefaults.accountId, row.id));
  for (const d of current) {
    const why = !row[d.direction]
      ? `it has no ${d.direction} settings any more`
      : row.teamId !== null && d.scope !== row.teamId
        ? 'it moved to another team'
        : null;
    if (!why) continue;
    await tx
      .delete(accountDefaults)
      .where(and(eq(accountDefaults.scope, d.scope), eq(accountDefaults.direction, d.direction)));
    const scopeName = d.scope === 'system' ? 'the system' : 'its former team';
    await addTimelineEvent(
      ctx,
      tx,
      row.id,
      'default_cleared',
      `No longer the ${d.direction} default of ${scopeName}: ${why}`,
      {
        scope: d.scope,
        direction: d.direction,
      },
    );
  }
}

function isConnectionField(path: string): boolean {
  if (!path.startsWith('outgoing')) return false;
  const field = path.split('.')[1];
  return field === undefined || !NON_CONNECTION_OUTGOING.has(field);
}

/** The ports that follow a stored part's security mode, if its kind has any (SMTP, IMAP, POP3). */
function defaultPortsOf(stored: OutgoingStored | IncomingStored) {
  if ('transport' in stored) return settingsOf(stored.transport).defaultPorts;
  return stored.protocol === 'pop3' ? pop3DefaultPorts : imapDefaultPorts;
}

/** Deep-merges a PATCH part into the stored one; when security changes and the port was its default, the port follows. */
function mergePart(
  stored: OutgoingStored | IncomingStored | null,
  patch: Part | null | undefined,
  dir: 'outgoing' | 'incoming',
): Part | null | undefined {
  if (patch === null) return null;
  if (patch === undefined) return stored ?? undefined;
  if (!stored) return patch;
  const kind = 'transport' in stored ? stored.transport : stored.protocol;
  // Switching transport/protocol starts from the new settings only; stale fields would not apply.
  const patchKind = patch[dir === 'outgoing' ? 'transport' : 'protocol'];
  if (patchKind !== undefined && patchKind !== kind) return patch;
  const merged = deepMerge(stored, patch);
  const ports = defaultPortsOf(stored);
  if (
    ports &&
    'security' in stored &&
    patch.security !== undefined &&
    patch.port === undefined &&
    stored.security !== patch.security &&
    stored.port === ports[stored.security]
  ) {
    delete merged.port;
  }
  // A changed auth method starts from the patch's auth only.
  const patchAuth = patch.auth;
  const storedMethod = 'auth' in stored ? stored.auth.method : undefined;
  if (isPart(patchAuth) && patchAuth.method !== undefined && patchAuth.method !== storedMethod) {
    merged.auth = patchAuth;
  }
  return merged;
}

function isPart(value: unknown): value is Part {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(a: Part, b: Part): Part {
  const out: Part = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isPart(v) && isPart(cur) ? deepMerge(cur, v) : v;
  }
  return out;
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, value ?? null);
}

function diffFields(before: Part, after: Part): Array<{ path: string; from: unknown; to: unknown }> {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  const paths = new Set([...a.keys(), ...b.keys()]);
  const out: Array<{ path: string; from: unknown; to: unknown }> = [];
  for (const p of paths) {
    if (DERIVED_FIELDS.has(p)) continue;
    const x = a.get(p) ?? null;
    const y = b.get(p) ?? null;
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ path: p, from: x, to: y });
  }
  return out.sort((l, r) => l.path.localeCompare(r.path));
}

/** A stored secret must be entered again when it would otherwise reach a different or less protected server. */
function assertSecretResupplied(
  row: StoredParts & { secrets: Record<string, string> },
  next: StoredParts,
  changes: SecretChanges,
  /** Secrets an OAuth2 sign-in brings anew (`outgoing.auth.refreshToken`). */
  supplied: Set<string> = new Set(),
): void {
  const errors: FieldError[] = [];
  for (const dir of ['outgoing', 'incoming'] as const) {
    const before = row[dir];
    const after = next[dir];
    if (!before || !after) continue;
    const why = secretExposure(before, after);
    if (!why) continue;
    for (const path of Object.keys(row.secrets)) {
      // Only secrets the new settings still use; the rest are dropped with the old auth method.
      if (!path.startsWith(`${dir}.`) || !secretStillApplies(path, next) || secretStaysHere(path)) continue;
      if (changes[path] === undefined && !supplied.has(path)) {
        errors.push({ path, message: `re-enter the secret: ${why}` });
      }
    }
  }
  if (errors.length > 0) {
    throw new MailroomError('secret_required', 'The stored secret must be entered again for these settings', {
      errors,
      hint: 'This keeps a stored secret from being sent to another server or over a weaker connection.',
    });
  }
}
