import { pruneLoginAttempts } from '../auth/throttle';
import { type CtxBase, createContext, systemActor } from '../context';
import { pruneLogs } from './pruneLogs';

const DAY_MS = 86_400_000;

/**
 * Background job for log retention (and ended sign-in counters): prunes once now, then every `intervalMs`
 * (a day by default). Returns the shape the API's start-up registers jobs with; `stop()` waits for a
 * running prune to finish.
 */
export function startLogPruner(opts: { base: CtxBase; intervalMs?: number }): {
  name: string;
  stop(): Promise<void>;
  /** Resolves after the next prune (tests, start-up logging). */
  idle(): Promise<void>;
} {
  const ctx = createContext(opts.base, systemActor);
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(async () => {
      try {
        const { deleted, before } = await pruneLogs(ctx);
        if (deleted > 0) {
          await ctx.log({
            source: 'audit',
            level: 'info',
            message: `Log retention removed ${deleted} rows older than ${before}`,
            context: { deleted, before, retentionDays: ctx.config.logRetentionDays },
          });
        }
      } catch (err) {
        console.error('mailroom: log pruning failed:', (err as Error).message);
      }
      try {
        // Sign-in counters whose window and lock have ended (they only matter for 15 minutes).
        await pruneLoginAttempts(ctx);
      } catch (err) {
        console.error('mailroom: pruning sign-in counters failed:', (err as Error).message);
      }
    });
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? DAY_MS);
  timer.unref();
  return {
    name: 'log-retention',
    async stop() {
      clearInterval(timer);
      await running;
    },
    idle: () => running,
  };
}
