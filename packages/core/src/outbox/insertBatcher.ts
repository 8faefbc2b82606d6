import { getTableColumns, sql } from 'drizzle-orm';
import type { Db, Queryable } from '../db/client';
import { messages } from '../db/schema';
import { eventCtes } from '../webhooks/emitEvent';
import { rowsOf } from './rows';
import type { NewMessage } from './store';

const columns = Object.entries(getTableColumns(messages)).map(([key, col]) => [key, col.name] as const);

/** The row as Postgres names it, dates as ISO strings: what jsonb_populate_recordset reads. */
function toRecord(row: NewMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, name] of columns) {
    const v = (row as Record<string, unknown>)[key];
    out[name] = v instanceof Date ? v.toISOString() : (v ?? null);
  }
  return out;
}

/**
 * One statement, one parameter, however many rows: the JSON is expanded by Postgres. The same statement
 * records a `message.queued` webhook event for each queued row stored (ids and recipients, no body), so a
 * message and its event commit together.
 */
export async function insertRows(db: Queryable, rows: NewMessage[]): Promise<Set<string>> {
  const res = await db.execute(sql`
    with ins as (
      insert into messages
      select * from jsonb_populate_recordset(null::messages, ${JSON.stringify(rows.map(toRecord))}::jsonb)
      on conflict do nothing
      returning id, account_id, team_id, mode, message_id, bulk_id, recipients, created_at
    ),
    webhook_input (id, type, team_id, data, created_at, endpoint_id) as (
      select gen_random_uuid()::text, 'message.queued', team_id,
        jsonb_strip_nulls(jsonb_build_object('bulkId', bulk_id)) || jsonb_build_object(
          'messageId', id, 'status', 'queued', 'accountId', account_id, 'messageIdHeader', message_id,
          'recipients', (select coalesce(jsonb_agg(jsonb_build_object('address', r->>'address', 'status', r->>'status')), '[]'::jsonb)
                         from jsonb_array_elements(recipients) r)),
        created_at, null::text
      from ins where mode = 'queued'
    ),
    ${eventCtes}
    select id from ins`);
  return new Set(rowsOf<{ id: string }>(res).map((r) => r.id));
}

type Pending = { row: NewMessage; resolve: (inserted: boolean) => void; reject: (e: unknown) => void };

const MAX_ROWS = 500;
/** Concurrent flushes: a second batch can be on its way while the first waits for its commit. */
const MAX_RUNNING = 2;

/**
 * Stores message rows for one database. Sends of one turn of the event loop (and those arriving
 * while a batch is written) share one multi-row INSERT, so a busy API commits (and fsyncs) once per
 * batch instead of once per message; an idle one waits only for the end of the current turn.
 */
export class InsertBatcher {
  private pending: Pending[] = [];
  private readonly running = new Set<Promise<void>>();
  private scheduled = false;

  constructor(private readonly db: Db) {}

  /** Stores a message row; resolves true once it is committed (false if the Idempotency-Key was taken). */
  insert(row: NewMessage): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      // Flush at the end of this turn of the event loop, so every send of the turn joins the batch.
      if (this.scheduled || this.running.size >= MAX_RUNNING) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (this.running.size < MAX_RUNNING) this.startFlush();
      });
    });
  }

  /** Resolves once every row handed in so far is written (or refused): nothing is left to write. */
  async drain(): Promise<void> {
    while (this.scheduled || this.running.size > 0 || this.pending.length > 0) {
      if (this.running.size === 0 && !this.scheduled) this.startFlush();
      await Promise.all([...this.running, new Promise((r) => setImmediate(r))]);
    }
  }

  private startFlush(): void {
    const p: Promise<void> = this.flush().finally(() => this.running.delete(p));
    this.running.add(p);
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_ROWS);
      try {
        const ids = await insertRows(
          this.db,
          batch.map((p) => p.row),
        );
        for (const p of batch) p.resolve(ids.has(p.row.id!));
      } catch (err) {
        // One bad row must not fail its neighbours: retry each on its own.
        if (batch.length === 1) batch[0]!.reject(err);
        else
          for (const p of batch) {
            try {
              p.resolve((await insertRows(this.db, [p.row])).size > 0);
            } catch (e) {
              p.reject(e);
            }
          }
      }
    }
  }
}
