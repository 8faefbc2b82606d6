import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { type Db, isSharedDatabase, type Queryable } from '../db/client';
import { rowsOf } from '../outbox/rows';
import { payloadOf } from './attemptDelivery';
import { claimInFlight, deliveriesInFlight } from './inFlight';
import { asSql, executePrepared, literalsAreSafe, type Prepared, settingIs, withLiterals } from './prepared';
import type { DeliveryRow } from './view';

/** What an attempt needs of a delivery (and what `recordAttempts` writes back by). */
export type DeliveryRef = Pick<DeliveryRow, 'id' | 'eventId' | 'endpointId' | 'attemptCount' | 'createdAt'>;

/** A leased delivery with the body it posts (`payloadOf` its event); null body: the event is gone. */
export type ClaimedDelivery = DeliveryRef & { body: string | null };

/**
 * The due deliveries, oldest first, past those held (`taken`, a query of delivery ids the statement
 * defines) and those of disabled endpoints, with the event of each, as one JSON text (one value to hand
 * over instead of eight per row: a third less CPU per claim). A `delivering` row (a lease left in the
 * delivery by an older version) is due once its lease has expired. Parameters: $1 now, $2 the ids this
 * dispatcher holds (JSON), $3 how many.
 */
const claimText = (
  ctes: string,
  taken: string,
  after: string,
  byKey = '',
) => `with ${ctes}due as materialized (
      select d.id, d.event_id, d.endpoint_id, d.attempt_count, d.created_at, d.next_attempt_at
      from webhook_deliveries d
      where d.status in ('pending', 'delivering') and d.next_attempt_at <= $1
        and (d.status = 'pending' or d.lease_expires_at <= $1)
        and d.endpoint_id not in (select w.id from webhook_endpoints w where not w.enabled)
        and d.id not in (${taken})
      order by d.next_attempt_at
      limit $3
    )${after}
    select coalesce(json_agg(json_build_array(c.id, c.event_id, c.endpoint_id, c.attempt_count,
      floor(extract(epoch from c.created_at) * 1000)::float8,
      e.type, floor(extract(epoch from e.created_at) * 1000)::float8, e.data) order by c.next_attempt_at), '[]')::text as rows
    -- The event ids as an array too: else the planner may hash a scan of every event (measured on Postgres:
    -- 1.2 ms of a 4 ms claim at 10,000 events, growing with the history kept).
    from due c left join webhook_events e on e.id = c.event_id${byKey}`;

/** The embedded database: a read; what this process holds ($2) is in memory (`inFlight.ts`). */
const CLAIM_EMBEDDED: Prepared = {
  name: 'mailroom_webhook_claim',
  types: ['timestamptz', 'jsonb', 'int'],
  text: claimText('', 'select jsonb_array_elements_text($2)', ''),
};

/**
 * Postgres ($4 this dispatcher, $5 its lease's end): past the deliveries of every live claim row and its
 * own ($2), and it writes its row: what it holds plus what it takes. Expired rows of others go (their
 * deliveries are due again). Runs under the claim lock (`claimDeliveries`).
 */
const CLAIM_SHARED: Prepared = {
  name: 'mailroom_webhook_claim_shared',
  types: ['timestamptz', 'jsonb', 'int', 'text', 'timestamptz'],
  text: claimText(
    `gone as (
      delete from webhook_claims where lease_expires_at <= $1 and lease_owner <> $4
    ), taken as materialized (
      select jsonb_array_elements_text($2) as id
      union all
      select jsonb_array_elements_text(c.delivery_ids) from webhook_claims c
      where c.lease_expires_at > $1 and c.lease_owner <> $4
    ), `,
    'select id from taken',
    `, held as (
      select $2 || coalesce((select jsonb_agg(id) from due), '[]'::jsonb) as ids
    ), mine as (
      insert into webhook_claims (lease_owner, lease_expires_at, delivery_ids, updated_at)
      select $4, $5, ids, $1 from held where jsonb_array_length(ids) > 0
      on conflict (lease_owner) do update set lease_expires_at = excluded.lease_expires_at,
        delivery_ids = excluded.delivery_ids, updated_at = excluded.updated_at
    ), none as (
      delete from webhook_claims where lease_owner = $4 and (select jsonb_array_length(ids) from held) = 0
    )`,
    ' and e.id = any(array(select event_id from due))',
  ),
};

/**
 * Serialises the claims of every dispatcher on one Postgres (held for the claim's transaction only), and
 * has the claim read the claim index in its order, the first due rows only, whatever the statistics say:
 * with none yet (a burst into a fresh table, before autovacuum analyzes it) the planner sorted every due
 * row instead (8,080 rows read for 128 taken, measured with auto_explain). Both settings end with the
 * transaction.
 */
const CLAIM_LOCK = `select pg_advisory_xact_lock(hashtext('mailroom:webhooks:claim')),
  set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true)`;

/**
 * Whether the claim may go as one query (the lock and the claim, values as literals): literals are safe,
 * and the database's transactions are READ COMMITTED by default, so the claim's statement takes its
 * snapshot after the lock is granted (under REPEATABLE READ the query's one snapshot would be older).
 */
async function oneQueryClaims(db: Db): Promise<boolean> {
  return (
    (await literalsAreSafe(db)) && (await settingIs(db, 'default_transaction_isolation', 'read committed'))
  );
}

/**
 * Takes up to `limit` due deliveries for one dispatcher, oldest due first, with the body each posts: one
 * statement that reads the due rows and writes no delivery. Disabled endpoints wait.
 * - On the embedded database (one process) the deliveries in hand are kept in memory (`inFlight.ts`) and
 *   the claim skips them.
 * - On Postgres (dispatchers in several processes) each dispatcher's deliveries in hand are in its row of
 *   `webhook_claims`, kept alive by a lease (`renewDeliveryClaims`). A claim runs under a transaction-level
 *   advisory lock, so claims are one at a time and each sees every claim before it (two dispatchers never
 *   take the same delivery); it skips the deliveries of every live row and rewrites its own with `held`
 *   (what this dispatcher still holds) and what it takes. A dispatcher that dies leaves a row whose lease
 *   expires (or is released when its heartbeat stops): its deliveries are due again (at least once). This
 *   replaces a lease written into each claimed delivery (a rewrite of the row and its six indexes):
 *   measured with `bench/webhooks-sql.ts`, the claim's Postgres CPU per delivery fell from 61–98 µs to
 *   18–35 µs (docs/PERFORMANCE.md).
 */
export async function claimDeliveries({
  ctx,
  workerId,
  limit,
  leaseMs,
  held,
}: {
  ctx: Ctx;
  workerId: string;
  limit: number;
  leaseMs: number;
  /** Deliveries this dispatcher has in hand (Postgres: kept in its claim row; never taken again meanwhile). */
  held: string[];
}): Promise<ClaimedDelivery[]> {
  const now = ctx.now();
  const at = now.toISOString();
  if (!isSharedDatabase(ctx.db)) {
    return claimInFlight(ctx.db, async (inFlight) => {
      const res = await executePrepared(ctx.db, ctx.db, CLAIM_EMBEDDED, [
        at,
        JSON.stringify([...inFlight]),
        limit,
      ]);
      const claimed = claimedOf(res);
      return { ids: claimed.map((c) => c.id), result: claimed };
    });
  }
  const args = [at, JSON.stringify(held), limit, workerId, new Date(now.getTime() + leaseMs).toISOString()];
  if (await oneQueryClaims(ctx.db)) {
    // One round trip: the lock and the claim as one query of two statements, which Postgres runs as one
    // transaction, each statement with its own snapshot (so the claim sees every claim committed before
    // the lock was granted).
    const res = await ctx.db.execute(sql.raw(`${CLAIM_LOCK}; ${withLiterals(CLAIM_SHARED, args)}`));
    return claimedOf(lastResult(res));
  }
  const res = await ctx.db.transaction(
    async (tx) => {
      await tx.execute(sql.raw(CLAIM_LOCK));
      return tx.execute(asSql(CLAIM_SHARED, args));
    },
    // Each statement its own snapshot: the claim sees every claim committed before the lock was granted.
    { isolationLevel: 'read committed' },
  );
  return claimedOf(res);
}

type ClaimedRow = {
  id: string;
  event_id: string;
  endpoint_id: string;
  attempt_count: number;
  created_ms: number;
  type: string | null;
  event_ms: number | null;
  data: Record<string, unknown> | string | null;
};
type ClaimedTuple = [
  string,
  string,
  string,
  number,
  number,
  string | null,
  number | null,
  Record<string, unknown> | null,
];

/** The result of the last statement of a query of several (postgres.js gives one result per statement). */
function lastResult(res: unknown): unknown {
  return Array.isArray(res) && Array.isArray(res[0]) ? res[res.length - 1] : res;
}

/** The claimed rows (one JSON text) with the body each posts. */
function claimedOf(res: unknown): ClaimedDelivery[] {
  const [text] = rowsOf<{ rows: string }>(res);
  return (JSON.parse(text?.rows ?? '[]') as ClaimedTuple[]).map(
    ([id, event_id, endpoint_id, attempt_count, created_ms, type, event_ms, data]) =>
      toClaimed({ id, event_id, endpoint_id, attempt_count, created_ms, type, event_ms, data }),
  );
}

function toClaimed(r: ClaimedRow): ClaimedDelivery {
  return {
    id: r.id,
    eventId: r.event_id,
    endpointId: r.endpoint_id,
    attemptCount: Number(r.attempt_count),
    createdAt: new Date(Number(r.created_ms)),
    body:
      r.type === null || r.data === null
        ? null
        : payloadOf({
            type: r.type,
            createdAt: new Date(Number(r.event_ms)),
            data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
          }),
  };
}

/**
 * Extends the lease of this dispatcher's claim row on Postgres (a slow receiver is not a dead dispatcher).
 * It never rewrites the ids: a claim may have added some since `held` was read (the claim rewrites the
 * row, and a write removes what it wrote). A row that is gone (it expired and another claim removed it)
 * is written again with `held`; returns false then, as what it held may have been taken meanwhile. The
 * embedded database has no claim row.
 */
export async function renewDeliveryClaims({
  ctx,
  workerId,
  held,
  leaseMs,
}: {
  ctx: Ctx;
  workerId: string;
  held: string[];
  leaseMs: number;
}): Promise<boolean> {
  if (!isSharedDatabase(ctx.db)) return true;
  const now = ctx.now();
  const rows = rowsOf<{ renewed: boolean }>(
    await ctx.db.execute(sql`
      insert into webhook_claims (lease_owner, lease_expires_at, delivery_ids, updated_at)
      values (${workerId}, ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz,
        ${JSON.stringify(held)}::jsonb, ${now.toISOString()}::timestamptz)
      on conflict (lease_owner) do update set lease_expires_at = excluded.lease_expires_at
      returning (xmax::text <> '0') as renewed`),
  );
  return rows[0]?.renewed ?? false;
}

/** A stopping dispatcher lets go of its claim row on Postgres (what it held is due again at once). */
export async function releaseDeliveryClaims({
  ctx,
  workerId,
}: {
  ctx: Ctx;
  workerId: string;
}): Promise<void> {
  if (!isSharedDatabase(ctx.db)) return;
  await ctx.db.execute(sql`delete from webhook_claims where lease_owner = ${workerId}`);
}

/**
 * The deliveries some dispatcher holds now, shown as `delivering`: in memory on the embedded database,
 * the live claim rows on Postgres. `q`: the transaction the caller is in, if any.
 */
export async function heldDeliveries(ctx: Ctx, q: Queryable = ctx.db): Promise<Set<string>> {
  if (!isSharedDatabase(ctx.db)) return new Set(deliveriesInFlight(ctx.db));
  const rows = rowsOf<{ id: string }>(
    await q.execute(sql`
      select jsonb_array_elements_text(delivery_ids) as id from webhook_claims
      where lease_expires_at > ${ctx.now().toISOString()}::timestamptz`),
  );
  return new Set(rows.map((r) => r.id));
}
