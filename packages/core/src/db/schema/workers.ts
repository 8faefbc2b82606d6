import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Who holds leases right now: one row per lease holder (an outbox worker, a poller, a webhook
 * deliverer …) of a live process, written at start and every few seconds after (`last_seen`, the
 * database's clock). A holder silent for longer than the grace is dead: any live process releases the
 * leases it named as `lease_owner` (leases/reapWorkers.ts) and removes its row.
 */
export const workers = pgTable(
  'workers',
  {
    /** The `lease_owner` its leases carry. */
    id: text('id').primaryKey(),
    host: text('host').notNull(),
    pid: integer('pid').notNull(),
    /** What it holds leases for: `worker` (outbox), `poller` (incoming), `webhooks`, `api` (immediate sends). */
    role: text('role').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastSeen: timestamp('last_seen', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('workers_last_seen_idx').on(t.lastSeen)],
);
