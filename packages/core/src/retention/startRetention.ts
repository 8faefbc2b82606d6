import { pruneLoginAttempts } from '../auth/throttle';
import { type CtxBase, createContext, type RetentionDays, systemActor } from '../context';
import { retentionKinds, retentionLabels } from './kinds';
import { pruneRetention, type RetentionRun } from './pruneRetention';
import { type Vacuumed, vacuumEmbedded } from './vacuumEmbedded';

const HOUR_MS = 3_600_000;

/** An error's message without the query parameters Drizzle appends (they may hold hashes or ciphertexts). */
const reason = (err: unknown): string => String((err as Error)?.message ?? err).split('\nparams:')[0] ?? '';

/** "12 sent messages, 0 log rows" for what a run removed, in the order of the kinds. */
function summary(run: RetentionRun): string {
  const parts = retentionKinds
    .filter((k) => run.removed[k] !== undefined)
    .map((k) => `${run.removed[k]} ${retentionLabels[k]}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing (every kind is kept forever)';
}

/** "sent messages 30 days, logs forever": what the job keeps, for its start line. */
function keeps(days: RetentionDays): string {
  return retentionKinds
    .map((k) =>
      k === 'oauthSignIns'
        ? `${retentionLabels[k]} an hour past their last use`
        : `${retentionLabels[k]} ${days[k] > 0 ? `${days[k]} days` : 'forever'}`,
    )
    .join(', ');
}

/**
 * Background job for retention (and ended sign-in counters): prunes once now, then every `intervalMs`
 * (an hour by default), in batches of `batchSize` rows; on the embedded database it then vacuums and
 * analyzes every table (`vacuumEmbedded`: PGlite has no autovacuum). Writes to the Main Log (source `email_logger`)
 * when it starts, after each run with how many rows of each kind it removed, when a run fails, and when
 * it stops. Returns the shape the API's start-up registers jobs with; `stop()` interrupts a running
 * prune between two batches and waits for it.
 */
export function startRetention(opts: { base: CtxBase; intervalMs?: number; batchSize?: number }): {
  name: string;
  stop(): Promise<void>;
  /** Resolves after the next prune (tests, start-up logging). */
  idle(): Promise<void>;
} {
  const ctx = createContext(opts.base, systemActor);
  const intervalMs = opts.intervalMs ?? HOUR_MS;
  const batchSize = opts.batchSize ?? 1000;
  const days = ctx.config.retention;
  const abort = new AbortController();
  const log = (level: 'info' | 'error', message: string, context: Record<string, unknown>) =>
    ctx.log({ source: 'email_logger', level, message, context });

  let running: Promise<void> = log('info', `Retention started: keeps ${keeps(days)}`, {
    retentionDays: days,
    intervalMs,
    batchSize,
  });
  const tick = () => {
    running = running.then(async () => {
      if (abort.signal.aborted) return;
      const started = Date.now();
      let run: RetentionRun | undefined;
      try {
        run = await pruneRetention(ctx, { batchSize, signal: abort.signal });
      } catch (err) {
        await log('error', `Retention failed: ${reason(err)}`, { retentionDays: days });
      }
      const prunedMs = Date.now() - started;
      // The embedded database's vacuum and statistics, after what the run deleted (Postgres: autovacuum).
      let vacuumed: Vacuumed | null = null;
      if (!abort.signal.aborted) {
        try {
          vacuumed = await vacuumEmbedded(ctx);
        } catch (err) {
          await log('error', `Vacuuming the embedded database failed: ${reason(err)}`, {});
        }
      }
      if (run) {
        const removed = Object.values(run.removed).reduce((a, b) => a + (b ?? 0), 0);
        await log(
          'info',
          `Retention removed ${summary(run)}${run.interrupted ? ' (stopped early, the next run goes on)' : ''}`,
          {
            removed: run.removed,
            total: removed,
            before: run.before,
            retentionDays: days,
            interrupted: run.interrupted,
            durationMs: prunedMs,
            ...(vacuumed ? { vacuumed } : {}),
          },
        );
      }
      try {
        // Sign-in counters whose window and lock have ended (they only matter for 15 minutes).
        await pruneLoginAttempts(ctx);
      } catch (err) {
        await log('error', `Pruning ended sign-in counters failed: ${reason(err)}`, {});
      }
    });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  let stopping: Promise<void> | null = null;
  return {
    name: 'retention',
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        abort.abort();
        await running;
        await log('info', 'Retention stopped', {});
      })();
      return stopping;
    },
    idle: () => running,
  };
}
