import { pruneLoginAttempts } from '../auth/throttle';
import { type CtxBase, createContext, systemActor } from '../context';
import { pruneLogs } from './pruneLogs';

const DAY_MS = 86_400_000;

/** An error's message without the query parameters Drizzle appends (they may hold hashes or ciphertexts). */
const reason = (err: unknown): string => String((err as Error)?.message ?? err).split('\nparams:')[0] ?? '';

/**
 * Background job for log retention (and ended sign-in counters): prunes once now, then every `intervalMs`
 * (a day by default). Writes to the Main Log (source `email_logger`) when it starts, after each run with
 * how many rows it removed, when a run fails, and when it stops. Returns the shape the API's start-up
 * registers jobs with; `stop()` waits for a running prune to finish.
 */
export function startLogPruner(opts: { base: CtxBase; intervalMs?: number }): {
  name: string;
  stop(): Promise<void>;
  /** Resolves after the next prune (tests, start-up logging). */
  idle(): Promise<void>;
} {
  const ctx = createContext(opts.base, systemActor);
  const intervalMs = opts.intervalMs ?? DAY_MS;
  const retentionDays = ctx.config.logRetentionDays;
  const log = (level: 'info' | 'error', message: string, context: Record<string, unknown>) =>
    ctx.log({ source: 'email_logger', level, message, context });

  let running: Promise<void> = log('info', `Log retention started: keeps ${retentionDays} days of logs`, {
    retentionDays,
    intervalMs,
  });
  const tick = () => {
    running = running.then(async () => {
      try {
        const { deleted, before } = await pruneLogs(ctx);
        await log('info', `Log retention removed ${deleted} rows older than ${before}`, {
          deleted,
          before,
          retentionDays,
        });
      } catch (err) {
        await log('error', `Log retention failed: ${reason(err)}`, { retentionDays });
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
    name: 'log-retention',
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        await running;
        await log('info', 'Log retention stopped', {});
      })();
      return stopping;
    },
    idle: () => running,
  };
}
