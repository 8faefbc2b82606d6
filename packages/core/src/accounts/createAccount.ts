import { type PresaveTest, takePresaveTests } from '../connection/presaveTests';
import type { Ctx } from '../context';
import { accounts } from '../db/schema';
import { generateDkimKeyAhead } from '../dkim/settings';
import { parseInput } from '../errors';
import { combineHealth, healthWords, type LastTest, partFromTest } from '../health';
import { newId } from '../ids';
import { connectWithAuthorization, oauthPartsFor } from '../oauth/takeAuthorization';
import {
  type AccountView,
  accountInputSchema,
  type Direction,
  type HealthParts,
  type IncomingStored,
  type OutgoingStored,
} from '../schemas/account';
import { outgoingSummary } from '../transports/summaries';
import { assertCanWrite } from './access';
import { applySecretChanges, completeIncoming, completeOutgoing, outgoingView, splitSecrets } from './codec';
import { loadAccount, viewOf } from './load';
import { assertNameFree, assertOutgoingAllowed, assertSecretsPresent, assertTeamExists } from './rules';
import { addTimelineEvent } from './timeline';

/**
 * Creates a mail account (stage active), encrypting its secrets; returns the view without secrets. A
 * connection test the same actor ran on exactly these settings before saving gives its starting health.
 */
export async function createAccount({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AccountView> {
  const doc = parseInput(accountInputSchema, input);
  assertCanWrite(ctx.actor, doc.teamId);
  // A DKIM key to generate is made here, off the event loop.
  const outgoingDoc = doc.outgoing ? await generateDkimKeyAhead(completeOutgoing(doc.outgoing)) : null;
  const incomingDoc = doc.incoming ? completeIncoming(doc.incoming) : null;
  assertOutgoingAllowed(ctx, outgoingDoc);
  const { outgoing, incoming, changes } = splitSecrets({ outgoing: outgoingDoc, incoming: incomingDoc });
  const secrets = applySecretChanges(ctx.secrets, {}, changes, { outgoing, incoming });
  // A finished OAuth2 sign-in brings the refresh token (and the rest of the OAuth2 sign-in) itself.
  const signIn = doc.oauthAuthorizationId;
  const fromSignIn = signIn ? await oauthPartsFor(ctx, ctx.db, signIn, { outgoing, incoming }) : [];
  assertSecretsPresent({ outgoing, incoming }, new Set([...Object.keys(secrets), ...fromSignIn]));

  return ctx.db.transaction(async (tx) => {
    await assertTeamExists(tx, doc.teamId);
    await assertNameFree(tx, doc.name);
    const now = ctx.now();
    // A test this actor ran in the form on exactly these settings counts, as if run after the Save.
    const tested = await takePresaveTests(ctx, tx, { outgoing: outgoingDoc, incoming: incomingDoc });
    const before = startingHealth(tested);
    const [row] = await tx
      .insert(accounts)
      .values({
        id: newId(),
        name: doc.name,
        label: doc.label ?? null,
        purpose: doc.purpose,
        teamId: doc.teamId,
        stage: 'active',
        debug: doc.debug,
        outgoing,
        incoming,
        secrets,
        ...before,
        createdAt: now,
        createdBy: ctx.actor.label,
        updatedAt: now,
        updatedBy: ctx.actor.label,
      })
      .returning();
    await addTimelineEvent(ctx, tx, row!.id, 'created', `Account "${doc.name}" created`, {
      outgoing: outgoing
        ? { ...summarizePart(outgoing), endpoint: outgoingSummary(outgoingView(outgoing, {}, null)).endpoint }
        : null,
      incoming: incoming ? summarizePart(incoming) : null,
      credentialsStored: Object.keys(secrets),
    });
    for (const t of Object.values(tested)) {
      const label = t.direction === 'outgoing' ? 'Outgoing' : 'Incoming';
      const failedStep = t.steps.find((s) => !s.ok)?.step;
      await addTimelineEvent(
        ctx,
        tx,
        row!.id,
        'tested',
        t.ok
          ? `${label} connection test passed in ${t.durationMs} ms (run in the form before saving)`
          : `${label} connection test failed at ${failedStep}: ${t.message} (run in the form before saving)`,
        {
          direction: t.direction,
          ok: t.ok,
          durationMs: t.durationMs,
          at: t.at,
          beforeSave: true,
          steps: t.steps,
          ...(t.errorCode ? { error: { code: t.errorCode, message: t.message, hint: t.hint } } : {}),
        },
      );
    }
    if (before.health !== 'unknown') {
      await addTimelineEvent(
        ctx,
        tx,
        row!.id,
        'health_changed',
        `Health: ${healthWords(before.health)}${before.healthReason ? ` — ${before.healthReason}` : ''}`,
        { from: 'unknown', to: before.health, reason: before.healthReason },
      );
    }
    if (!signIn) return viewOf(tx, row!, now);
    await connectWithAuthorization(ctx, tx, row!, signIn);
    return viewOf(tx, await loadAccount(ctx, tx, row!.id), now);
  });
}

/** Last tests, health parts and health of a new account from the tests run before its Save. */
function startingHealth(tested: Partial<Record<Direction, PresaveTest>>) {
  const lastTest: Record<string, LastTest> = {};
  const healthParts: HealthParts = {};
  for (const t of Object.values(tested)) {
    const { steps: _steps, hint: _hint, ...last } = t;
    lastTest[t.direction] = last;
    healthParts[t.direction] = partFromTest(last);
  }
  const { health, reason } = combineHealth(Object.values(healthParts));
  return { lastTest, healthParts, health, healthReason: reason };
}

/** What the timeline's `created` event says of a part: its kind and where it connects (no secrets). */
function summarizePart(part: OutgoingStored | IncomingStored): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of ['transport', 'protocol', 'host', 'port', 'security', 'domain'] as const) {
    if (key in part) picked[key] = Reflect.get(part, key);
  }
  return picked;
}
