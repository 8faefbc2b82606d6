import { inArray } from 'drizzle-orm';
import { type Ctx, type CtxBase, createContext, systemActor } from '../context';
import { isSharedDatabase } from '../db/client';
import { webhookEndpoints } from '../db/schema';
import { WakeSignal } from '../outbox/signal';
import { workerLabel } from '../outbox/workerId';
import { attemptDelivery, type DeliveryAttempt } from './attemptDelivery';
import {
  type ClaimedDelivery,
  claimDeliveries,
  releaseDeliveryClaims,
  renewDeliveryClaims,
} from './claimDeliveries';
import { releaseInFlight } from './inFlight';
import { type WebhookPolicy, withWebhookPolicy } from './policy';
import { type Attempted, type RecordedStatus, recordAttempts } from './recordAttempts';
import { type EndpointSigner, endpointSigner } from './signer';

export type DispatcherEvent =
  | { type: 'claimed'; count: number }
  /** A batch of attempts written (`count` of them) in one statement. */
  | { type: 'recorded'; count: number }
  | {
      type: 'attempted';
      deliveryId: string;
      eventId: string;
      endpointId: string;
      ok: boolean;
      status: RecordedStatus;
      /** False when the attempt no longer counts (another dispatcher attempted the delivery meanwhile). */
      recorded: boolean;
    }
  | { type: 'idle' }
  | { type: 'error'; message: string };

export type DispatcherOptions = {
  base: CtxBase;
  /** Unique per dispatcher (process); it owns the leases it takes. */
  workerId: string;
  signal: AbortSignal;
  /** Requests in flight at once, across endpoints. */
  concurrency?: number;
  /** Longest wait between polls when nothing is due. */
  pollMs?: number;
  policy?: Partial<WebhookPolicy>;
  /**
   * How long a finished attempt waits for others before they are written together (while a write is
   * running, the next batch also waits for it, so batches grow with the load).
   */
  commitLingerMs?: number;
  /** Stop by itself once nothing is due (tests, one-shot drains). */
  exitWhenIdle?: boolean;
  onEvent?: (e: DispatcherEvent) => void;
};

/**
 * The webhook dispatcher: keeps up to `concurrency` deliveries in flight, claiming ahead (up to eight
 * rounds ready) so claims are large and never leave a slot waiting, posting each signed event through the
 * door and writing attempts by group commit (one statement per batch). At least once: a delivery is
 * finished only after its 2xx is written. A claim writes no delivery row: what a dispatcher holds is in
 * memory on the embedded database (one process; a restart delivers it again at once) and in its claim row
 * on Postgres (`webhook_claims`, leased: a dispatcher that dies leaves a row whose lease expires or is
 * released, and another delivers again with the same `webhook-id`).
 */
export async function runDispatcher(opts: DispatcherOptions): Promise<void> {
  const ctx = createContext(opts.base, { ...systemActor, label: workerLabel('webhooks', opts.workerId) });
  const policy = withWebhookPolicy(opts.policy);
  const concurrency = opts.concurrency ?? 32;
  const pollMs = opts.pollMs ?? 500;
  const lingerMs = opts.commitLingerMs ?? 25;
  // The listener only observes: its throw must not change what is delivered (a throw on `claimed` used to
  // leave the rows in hand, never posted, until the dispatcher stopped).
  const emit = (e: DispatcherEvent) => {
    try {
      opts.onEvent?.(e);
    } catch (err) {
      console.error(
        `mailroom: webhook dispatcher ${opts.workerId}: event listener failed on ${e.type}: ${(err as Error).message}`,
      );
    }
  };
  const wake = new WakeSignal();

  /** Deliveries this dispatcher holds: waiting to be posted, being posted, or posted and waiting for their write. */
  const inHand = new Set<string>();
  /** Claimed and loaded, waiting for a free request slot. */
  const ready: Array<() => Promise<void>> = [];
  let posting = 0;
  // Claims run ahead of the requests (up to eight rounds ready), so a claim is large (the cost per row of
  // a claim and of a write falls with the batch) and the slots do not wait for one even when a claim takes
  // a while (a busy database): claim again when less than four rounds are ready. Posted deliveries waiting
  // for their write count in hand too (bounded: at most sixteen rounds of leases held).
  const claimAhead = concurrency * 8;
  const inHandMax = concurrency * 16;
  const mayClaim = () => ready.length < concurrency * 4 && inHand.size + concurrency <= inHandMax;
  const claimSize = () => Math.min(claimAhead - ready.length, inHandMax - inHand.size);
  const pump = () => {
    while (posting < concurrency && ready.length > 0) {
      posting += 1;
      void ready.shift()!().catch((err: Error) => emit({ type: 'error', message: err.message }));
    }
  };

  // Endpoint signers (secrets decrypted once), reloaded at most once a second so a rotation or a
  // change of URL applies within that second.
  const signers = new Map<string, { at: number; signer: EndpointSigner | null }>();
  const signersOf = async (rows: ClaimedDelivery[]) => {
    const now = Date.now();
    const ids = [...new Set(rows.map((r) => r.endpointId))];
    const stale = ids.filter((id) => (signers.get(id)?.at ?? 0) < now - 1000);
    if (stale.length > 0) {
      const found = await ctx.db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, stale));
      for (const id of stale) signers.set(id, { at: now, signer: null });
      for (const e of found) {
        try {
          signers.set(e.id, { at: now, signer: endpointSigner(e, ctx.secrets, ctx.now()) });
        } catch (err) {
          emit({
            type: 'error',
            message: `endpoint ${e.id}: its secret cannot be read (${(err as Error).message})`,
          });
        }
      }
    }
    return (id: string) => signers.get(id)?.signer ?? null;
  };

  // Group commit: attempts finished close together are written in one statement. One write at a time:
  // a batch is taken when the write before it has finished, so under load batches grow instead of queueing.
  let batch: Attempted[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    writing = writing.then(async () => {
      const take = batch;
      batch = [];
      if (take.length === 0) return;
      let results: Awaited<ReturnType<typeof recordAttempts>> | null = null;
      for (let attempt = 1; attempt <= 3 && !results; attempt += 1) {
        try {
          results = await recordAttempts({ ctx, workerId: opts.workerId, batch: take, policy });
        } catch (err) {
          emit({
            type: 'error',
            message: `recording attempts failed (try ${attempt}): ${(err as Error).message}`,
          });
        }
      }
      if (results) emit({ type: 'recorded', count: take.length });
      // Not written: the leases expire and the deliveries are attempted again (at least once).
      const byId = new Map((results ?? []).map((r) => [r.id, r]));
      const ids = take.map((t) => t.delivery.id);
      if (results) releaseInFlight(ctx.db, ids);
      else holdUnwritten(ids);
      for (const { delivery, attempt } of take) {
        inHand.delete(delivery.id);
        const r = byId.get(delivery.id);
        emit({
          type: 'attempted',
          deliveryId: delivery.id,
          eventId: delivery.eventId,
          endpointId: delivery.endpointId,
          ok: attempt.ok,
          status: r?.status ?? 'pending',
          recorded: r?.recorded ?? false,
        });
      }
      wake.notify();
    });
    return writing;
  };
  // Unwritten deliveries are still pending and due, so the next claim would post them again at once (a
  // tight loop while the write keeps failing). They stay held (in memory on the embedded database, in the
  // claim row on Postgres: a claim skips them) for a lease's time, then are let go (at stop, at once).
  const heldUnwritten = new Map<NodeJS.Timeout, string[]>();
  /** What this dispatcher holds: in hand, or unwritten and waiting (the claim row on Postgres). */
  const held = () => [...inHand, ...[...heldUnwritten.values()].flat()];
  const holdUnwritten = (ids: string[]) => {
    const t = setTimeout(() => {
      heldUnwritten.delete(t);
      releaseInFlight(ctx.db, ids);
      wake.notify();
    }, policy.leaseMs);
    heldUnwritten.set(t, ids);
  };
  const record = (a: Attempted) => {
    batch.push(a);
    if (batch.length === 500) void flush();
    else timer ??= setTimeout(() => void flush(), lingerMs);
  };

  const deliver = async (row: ClaimedDelivery, signer: EndpointSigner | null) => {
    let attempt: DeliveryAttempt;
    try {
      if (row.body === null || !signer) {
        attempt = {
          ok: false,
          at: ctx.now(),
          durationMs: 0,
          statusCode: null,
          errorCode: 'protocol',
          message:
            row.body === null
              ? 'The event is gone'
              : "The endpoint's signing secret cannot be read with the configured keys",
          snippet: null,
        };
      } else {
        // attemptDelivery answers every failure as an attempt; should it throw all the same, the delivery
        // is written as a failed attempt (retried later) instead of staying in hand for good.
        attempt = await attemptDelivery({
          endpoint: signer,
          eventId: row.eventId,
          body: row.body,
          timeoutMs: policy.timeoutMs,
          allowPrivateHosts: ctx.config.allowPrivateHosts,
          now: ctx.now,
        }).catch((err: Error) => ({
          ok: false,
          at: ctx.now(),
          durationMs: 0,
          statusCode: null,
          errorCode: 'protocol' as const,
          message: `The attempt failed inside Mailroom: ${err.message}`,
          snippet: null,
        }));
      }
    } finally {
      posting -= 1;
      pump();
      // The loop waits for room to claim, for nothing left in hand (a write brings that) or, stopping, for
      // nothing left to post: wake it then, not once per request (each wait is a timer and a listener).
      if (mayClaim() || (posting === 0 && ready.length === 0)) wake.notify();
    }
    record({ delivery: row, attempt });
  };

  // A claim row (and its lease) only on Postgres: the embedded database holds its deliveries in memory.
  const renewEvery = Math.max(50, Math.floor(policy.leaseMs / 3));
  const renewer = setInterval(() => {
    if (!isSharedDatabase(ctx.db)) return;
    const holding = held();
    if (holding.length === 0) return;
    renewDeliveryClaims({ ctx, workerId: opts.workerId, held: holding, leaseMs: policy.leaseMs }).then(
      (renewed) => {
        if (!renewed) {
          emit({
            type: 'error',
            message: 'the claim row had expired and was written again: its deliveries may be posted twice',
          });
        }
      },
      (err: Error) => emit({ type: 'error', message: `lease renewal failed: ${err.message}` }),
    );
  }, renewEvery);

  await writeLog(ctx, {
    message: `Webhook dispatcher ${opts.workerId} started: ${concurrency} requests at once, leases of ${policy.leaseMs} ms`,
    context: { workerId: opts.workerId, concurrency, leaseMs: policy.leaseMs, pollMs },
  });

  try {
    await dispatch();
  } finally {
    // On PGlite the deliveries in hand are held in memory only: whatever happened, let go of them.
    clearInterval(renewer);
    releaseInFlight(ctx.db, inHand);
    for (const [t, ids] of heldUnwritten) {
      clearTimeout(t);
      releaseInFlight(ctx.db, ids);
    }
    heldUnwritten.clear();
    await releaseDeliveryClaims({ ctx, workerId: opts.workerId }).catch((err: Error) =>
      emit({ type: 'error', message: `letting go of the claim row failed: ${err.message}` }),
    );
  }
  await writeLog(ctx, {
    message: opts.signal.aborted
      ? `Webhook dispatcher ${opts.workerId} stopped`
      : `Webhook dispatcher ${opts.workerId} stopped: nothing left to deliver`,
    context: { workerId: opts.workerId, reason: opts.signal.aborted ? 'stopped' : 'idle' },
  });

  async function dispatch(): Promise<void> {
    let idle = false;
    while (!opts.signal.aborted) {
      let claimed = 0;
      if (mayClaim()) {
        try {
          const rows = await claimDeliveries({
            ctx,
            workerId: opts.workerId,
            limit: claimSize(),
            leaseMs: policy.leaseMs,
            held: held(),
          });
          claimed = rows.length;
          for (const r of rows) inHand.add(r.id);
          if (claimed > 0) {
            emit({ type: 'claimed', count: claimed });
            const signerOf = await signersOf(rows).catch((err) => {
              for (const r of rows) inHand.delete(r.id);
              releaseInFlight(
                ctx.db,
                rows.map((r) => r.id),
              );
              throw err;
            });
            for (const r of rows) ready.push(() => deliver(r, signerOf(r.endpointId)));
            pump();
          }
        } catch (err) {
          emit({ type: 'error', message: (err as Error).message });
        }
      }
      if (claimed > 0 && mayClaim()) continue;
      if (claimed === 0 && inHand.size === 0) {
        if (!idle) emit({ type: 'idle' });
        idle = true;
        if (opts.exitWhenIdle) break;
      } else idle = false;
      await wake.wait(inHand.size > 0 ? Math.min(pollMs, 50) : pollMs, opts.signal);
    }
    // Let what is in flight finish and be written; anything unwritten returns with its lease.
    while (posting > 0 || ready.length > 0) await wake.wait(1000);
    await flush();
  }
}

/** A Main Log row about the dispatcher itself; a database that cannot take it must not stop it. */
async function writeLog(
  ctx: Ctx,
  entry: { message: string; context: Record<string, unknown> },
): Promise<void> {
  try {
    await ctx.log({ source: 'webhooks', level: 'info', ...entry });
  } catch (err) {
    console.error(`mailroom: ${entry.message} (not in the Main Log: ${(err as Error).message})`);
  }
}
