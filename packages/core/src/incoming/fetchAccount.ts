import { and, eq, inArray } from 'drizzle-orm';
import { assertCanWrite } from '../accounts/access';
import { resolvePart } from '../accounts/codec';
import { loadAccount } from '../accounts/load';
import { classifyError } from '../connection/classify';
import { credentialsOf } from '../connection/engine';
import type { TestEnv } from '../connection/env';
import { ConnectionFailure } from '../connection/failure';
import { StepRecorder } from '../connection/runner';
import { Transcript } from '../connection/transcript';
import type { Ctx } from '../context';
import { inboxMessages, incomingState } from '../db/schema';
import { resolveDestination } from '../door/destination';
import { MailroomError } from '../errors';
import { newId } from '../ids';
import { retryWithFreshToken } from '../oauth/retryWithFreshToken';
import { BounceReports, classifyFetched, inboxKindOf } from '../recipients/bounceMailbox';
import type { IncomingParsed } from '../schemas/account';
import { accountSecrets } from '../security/accountSecrets';
import { redact } from '../security/redact';
import { emitEvent } from '../webhooks/emitEvent';
import { inboundEvent } from '../webhooks/inboundEvent';
import { openImapSession } from './imapSession';
import { claimPollLease, renewPollLease } from './lease';
import { parseFetched } from './parse';
import { openPop3Session } from './pop3Session';
import { type FetchError, recordFetch } from './recordFetch';
import type { FetchSession, PollCursor } from './types';

export type FetchResult = {
  accountId: string;
  fetched: number;
  duplicates: number;
  durationMs: number;
  error?: { code: string; message: string; hint: string; detail?: string };
};

const LEASE_MS = 5 * 60_000;
/** How long an admin's "Fetch now" waits for a running poll of the same account to end. */
const WAIT_FOR_RUNNING_MS = 60_000;
const WAIT_STEP_MS = 200;

/**
 * Takes the poll lease. The poller skips an account another fetch holds; a fetch someone asked for waits
 * for the running one to end (it may use settings from before a change) and then fetches with the
 * current settings, so "Fetch now" never answers "already running" because the poller was due.
 */
async function claimLease(ctx: Ctx, accountId: string, owner: string, scheduled: boolean): Promise<boolean> {
  const deadline = Date.now() + (scheduled ? 0 : WAIT_FOR_RUNNING_MS);
  for (;;) {
    if (await claimPollLease(ctx.db, accountId, owner, ctx.now(), LEASE_MS)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}
const BATCH = 50;
const MAX_PER_RUN = 500;

/**
 * Fetches new mail of one account (IMAP by UID + UIDVALIDITY, POP3 by UIDL) under the account's poll lease,
 * stores it deduplicated by UID/UIDL and Message-ID, then applies `afterFetch` to what was stored. The
 * outcome feeds the account's health, its last fetch and the poll backoff (recordFetch.ts).
 */
export async function fetchAccount({
  ctx,
  id,
  owner,
  scheduled = false,
}: {
  ctx: Ctx;
  id: string;
  owner?: string;
  /** The poller's run: quiet in the Main Log while nothing changes (recordFetch.ts). */
  scheduled?: boolean;
}): Promise<FetchResult> {
  const started = performance.now();
  const row = await loadAccount(ctx, ctx.db, id);
  if (ctx.actor.via !== 'system') assertCanWrite(ctx.actor, row.teamId);
  const part = resolvePart(ctx.secrets, row, 'incoming') as (IncomingParsed & { port: number }) | null;
  if (!part || row.stage !== 'active' || part.enabled === false) {
    throw new MailroomError('account_not_usable', `${row.name} has no active, enabled incoming settings`, {
      errors: [{ path: 'incoming', message: 'the account must be active with incoming enabled' }],
    });
  }
  const leaseOwner = owner ?? `fetch:${newId()}`;
  if (!(await claimLease(ctx, row.id, leaseOwner, scheduled))) {
    throw new MailroomError('conflict', `A fetch for ${row.name} is already running`);
  }
  const [state] = await ctx.db.select().from(incomingState).where(eq(incomingState.accountId, row.id));
  const cursor: PollCursor = {
    mailbox: state?.mailbox ?? null,
    uidValidity: state?.uidValidity ?? null,
    lastUid: state?.lastUid ?? 0,
  };
  // A copy of the account's set: the fetch adds what it learns (an access token) for its own writers only.
  const transcript = new Transcript(accountSecrets(ctx.secrets, row).copy());
  const secrets = transcript.secrets;
  const env: TestEnv = {
    config: ctx.config,
    steps: new StepRecorder({ host: part.host, port: part.port }, transcript.secrets),
    transcript,
  };
  let fetched = 0;
  let duplicates = 0;
  let session: FetchSession | null = null;
  let fetchError: FetchError | undefined;
  const bounces = part.bounceMailbox ? new BounceReports(ctx, row.id) : undefined;
  try {
    // OAuth2: the account's access token; refused by the server, once more with a freshly refreshed one.
    session = await retryWithFreshToken(
      ctx,
      row.id,
      'incoming',
      async (accessToken): Promise<FetchSession> => {
        const credentials = await credentialsOf({ ...env, accessToken }, part.auth);
        if (part.protocol !== 'imap') return openPop3Session(env, part, credentials);
        const dest = await resolveDestination(part.host, {
          allowPrivateHosts: ctx.config.allowPrivateHosts,
          timeoutMs: ctx.config.timeouts.connectMs,
        });
        return openImapSession({
          dest,
          part,
          credentials,
          cursor,
          timeouts: ctx.config.timeouts,
          trace: (l) => transcript.note(l),
        });
      },
      ({ error }) => failureOf(error, part).code === 'auth',
    );
    const known = async (uidls: string[]) => {
      if (uidls.length === 0) return new Set<string>();
      const rows = await ctx.db
        .select({ uidl: inboxMessages.uidl })
        .from(inboxMessages)
        .where(and(eq(inboxMessages.accountId, row.id), inArray(inboxMessages.uidl, uidls)));
      return new Set(rows.map((r) => r.uidl!));
    };
    while (fetched + duplicates < MAX_PER_RUN) {
      // Each batch renews the lease, so a long run is never fetched twice in parallel.
      if (!(await renewPollLease(ctx.db, row.id, leaseOwner, ctx.now(), LEASE_MS))) break;
      const batch = await session.next(BATCH, known);
      if (batch.length === 0) break;
      for (const m of batch) {
        const mail = await parseFetched(m.source);
        // A bounce mailbox classifies first: reports are kept for the recipients' stories, not listed in the inbox.
        const report = bounces ? await classifyFetched(ctx, m.source) : undefined;
        const kind = inboxKindOf(report);
        const fetchedAt = ctx.now();
        // The stored message and its inbound.received webhook event commit together.
        const inserted = await ctx.db.transaction(async (tx) => {
          const stored = await tx
            .insert(inboxMessages)
            .values({
              id: newId(),
              accountId: row.id,
              protocol: part.protocol,
              mailbox: m.mailbox ?? null,
              uidValidity: m.uidValidity ?? null,
              uid: m.uid ?? null,
              uidl: m.uidl ?? null,
              ...mail,
              kind,
              fetchedAt,
            })
            .onConflictDoNothing()
            .returning({ id: inboxMessages.id });
          // A bounce, complaint or auto-reply is not inbound mail: its own events say what it changed.
          if (stored[0] && kind === 'mail')
            await emitEvent(tx, inboundEvent(row, stored[0].id, mail, m.mailbox ?? null, fetchedAt));
          return stored;
        });
        if (inserted.length > 0) fetched += 1;
        else duplicates += 1;
        // Applied once, when first stored: a report fetched again is a duplicate and changes nothing.
        if (bounces && report && inserted[0]) await bounces.apply(report, inserted[0].id);
      }
      // Only what is stored is marked seen or deleted on the server: a crash before this loses nothing.
      await session.settle(batch, part.afterFetch);
      if (part.protocol === 'pop3') break;
    }
  } catch (err) {
    const info = failureOf(err, part);
    // With everything the fetch learned (the login's PLAIN strings, an access token), not just the stored secrets.
    fetchError = {
      code: info.code,
      message: redact(info.message, secrets),
      hint: info.hint,
      ...(info.reply !== undefined ? { reply: redact(info.reply, secrets) } : {}),
      ...(info.responseCode !== undefined ? { responseCode: info.responseCode } : {}),
      ...(info.detail ? { detail: redact(info.detail, secrets) } : {}),
    };
  } finally {
    await session?.close().catch(() => undefined);
  }
  const durationMs = Math.round(performance.now() - started);
  await bounces?.finish();
  await recordFetch(ctx, {
    row,
    part,
    leaseOwner,
    cursor: session ? session.cursor() : cursor,
    before: state,
    error: fetchError,
    fetched,
    duplicates,
    durationMs,
    scheduled,
  });
  if (row.debug) {
    for (const line of transcript.lines) {
      await ctx.log({
        source: 'incoming',
        level: 'debug',
        message: `${line.dir} ${line.text}`,
        accountId: row.id,
      });
    }
  }
  const error = fetchError
    ? {
        code: fetchError.code,
        message: fetchError.message,
        hint: fetchError.hint,
        ...(fetchError.detail ? { detail: fetchError.detail } : {}),
      }
    : undefined;
  return { accountId: row.id, fetched, duplicates, durationMs, ...(error ? { error } : {}) };
}

/** What went wrong with a fetch, classified (auth, timeout, tls …). */
function failureOf(err: unknown, part: { host: string; port: number }) {
  return err instanceof ConnectionFailure
    ? err.info
    : classifyError(err, { host: part.host, port: part.port, stage: 'fetch' });
}
