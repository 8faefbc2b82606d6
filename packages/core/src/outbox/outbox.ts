import type { Db } from '../db/client';
import { TransportPool } from '../transport/pool';
import type { SmtpPoolOptions } from '../transports/smtp/transport';
import { AccountLookup } from './accountLookup';
import { HandoffSlot } from './handoff';
import { InsertBatcher } from './insertBatcher';
import { WakeSignal } from './signal';

/**
 * The outbox's moving parts for one database in this process: created once at start (`openCore`,
 * `createTestEnv`), held by every context (`ctx.outbox`), closed at stop after the worker.
 * Nothing of it lives in module state, so two outboxes in one process (tests) never share a batch,
 * a wake-up or a handoff.
 */
export type Outbox = {
  readonly db: Db;
  /** Sends of one event-loop turn share one multi-row INSERT. */
  readonly inserts: InsertBatcher;
  /** Sends of one event-loop turn share one account lookup. */
  readonly accounts: AccountLookup;
  /** Wakes this outbox's workers when a message is queued. */
  readonly wake: WakeSignal;
  /** The worker of this process that queued sends are handed to. */
  readonly handoff: HandoffSlot;
  /** Pooled connections per account, the delivery thread, the SMTP pool options. */
  readonly transports: TransportPool;
  /**
   * The lease holder immediate sends of this process are leased under (`<holder>/request:<id>`), so a
   * process killed mid-request has them released with its other leases (leases/); unset: `request:<id>`.
   */
  readonly requestHolder: string | undefined;
  /** Writes what is still being stored, then closes pooled connections; call after the worker stopped. */
  close(): Promise<void>;
};

export type OutboxOptions = {
  /** SMTP pool size, and whether the pools run in the delivery thread (`MAILROOM_DELIVERY_THREAD`). */
  smtp?: SmtpPoolOptions;
  /** The lease holder this process announces for its immediate sends (see `Outbox.requestHolder`). */
  requestHolder?: string;
};

/** Creates the outbox of one database for this process. */
export function createOutbox(db: Db, options: OutboxOptions = {}): Outbox {
  const inserts = new InsertBatcher(db);
  const transports = new TransportPool(options.smtp);
  let closing: Promise<void> | undefined;
  return {
    db,
    inserts,
    accounts: new AccountLookup(db),
    wake: new WakeSignal(),
    handoff: new HandoffSlot(),
    transports,
    requestHolder: options.requestHolder,
    close() {
      closing ??= (async () => {
        await inserts.drain();
        await transports.close();
      })();
      return closing;
    },
  };
}
