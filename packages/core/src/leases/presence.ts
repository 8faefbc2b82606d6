import { hostname } from 'node:os';
import { inArray, sql } from 'drizzle-orm';
import { type CtxBase, createContext, systemActor } from '../context';
import { workers } from '../db/schema';
import { forgetWorkers, type ReapedWorker, reapWorkers } from './reapWorkers';

export type PresenceEvent =
  | { type: 'beat'; holders: number }
  | { type: 'reaped'; workers: ReapedWorker[] }
  | { type: 'error'; message: string };

export type PresenceOptions = {
  base: CtxBase;
  /** A holder silent for longer than this is dead and its leases are released (default 30 s). */
  graceMs?: number;
  /** Between heartbeats (default: a third of the grace, at most 5 s, so two may be missed). */
  intervalMs?: number;
  onEvent?: (e: PresenceEvent) => void;
};

/** The lease holders of this process announcing themselves on a shared Postgres (see the `workers` table). */
export type Presence = {
  readonly graceMs: number;
  /**
   * Writes the holder's row now, before it takes any lease, and keeps it fresh with the others;
   * resolves to its unregister (the row is removed: call it after the holder let go of its leases).
   */
  register(id: string, role: string): Promise<() => Promise<void>>;
  /** One heartbeat and one look for silent holders, now. */
  beat(): Promise<void>;
  /** Stops the heartbeat and removes this process's rows. */
  stop(): Promise<void>;
};

const reason = (err: unknown): string => String((err as Error)?.message ?? err).split('\nparams:')[0] ?? '';

/**
 * Starts this process's heartbeat: every `intervalMs` the rows of its registered holders get
 * `last_seen = now()`, then any holder silent for longer than the grace is reaped (reapWorkers.ts):
 * every live process watches the others, so a killed worker's leases are taken over within the grace
 * plus one heartbeat, while live workers keep their long leases.
 */
export function startPresence(opts: PresenceOptions): Presence {
  const ctx = createContext(opts.base, systemActor);
  const graceMs = opts.graceMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? Math.max(100, Math.min(5000, Math.floor(graceMs / 3)));
  const emit = opts.onEvent ?? (() => {});
  const holders = new Map<string, string>();
  const host = hostname();
  let lastError: string | null = null;
  let stopped = false;

  const upsert = async (ids: string[]) => {
    if (ids.length === 0) return;
    await ctx.db
      .insert(workers)
      .values(ids.map((id) => ({ id, host, pid: process.pid, role: holders.get(id) ?? 'worker' })))
      .onConflictDoUpdate({ target: workers.id, set: { lastSeen: sql`now()` } });
  };
  const beatOnce = async () => {
    try {
      await upsert([...holders.keys()]);
      emit({ type: 'beat', holders: holders.size });
      const reaped = await reapWorkers(ctx, graceMs);
      if (reaped.length > 0) emit({ type: 'reaped', workers: reaped });
      // Released messages are due now: wake the workers here and elsewhere instead of their next poll.
      if (reaped.some((w) => (w.released.messages ?? 0) > 0)) ctx.outbox.wake.notify();
      lastError = null;
    } catch (err) {
      const message = reason(err);
      emit({ type: 'error', message });
      // A database that is down fails every beat the same way: one row says so.
      if (message !== lastError) {
        lastError = message;
        await ctx
          .log({ source: 'queue', level: 'error', message: `Heartbeat failed: ${message}`, context: {} })
          .catch(() => {});
      }
    }
  };
  let running: Promise<void> = Promise.resolve();
  const beat = () => {
    running = running.then(beatOnce);
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void beat();
  }, intervalMs);
  timer.unref();

  return {
    graceMs,
    async register(id, role) {
      holders.set(id, role);
      await upsert([id]);
      return async () => {
        holders.delete(id);
        await forgetWorkers(ctx, [id]);
      };
    },
    beat,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      const ids = [...holders.keys()];
      holders.clear();
      if (ids.length > 0) await ctx.db.delete(workers).where(inArray(workers.id, ids));
    },
  };
}
