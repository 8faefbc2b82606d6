import type { TestStep } from '../schemas/connection';
import { redactDeep } from '../security/redact';
import { classifyError, type Where } from './classify';
import { type ConnectionErrorInfo, ConnectionFailure } from './failure';

export type StepOutcome<T> = { value: T; detail: Record<string, unknown> | string };

/** Runs the steps of one test in order, timing each and recording what it found or why it failed. */
export class StepRecorder {
  readonly steps: TestStep[] = [];
  readonly where: Where;
  /** Masked in every step's detail: a server may echo a credential in its reply. */
  private readonly secrets: Iterable<string>;

  constructor(where: Where = {}, secrets: Iterable<string> = []) {
    this.where = where;
    this.secrets = secrets;
  }

  /** Runs a step; a failure is classified, recorded on the step, and rethrown as a ConnectionFailure. */
  async run<T>(step: string, fn: () => Promise<StepOutcome<T>>): Promise<T> {
    const started = performance.now();
    try {
      const { value, detail } = await fn();
      this.steps.push({
        step,
        ok: true,
        durationMs: elapsed(started),
        detail: redactDeep(detail, this.secrets),
      });
      return value;
    } catch (err) {
      const info: ConnectionErrorInfo = classifyError(err, { ...this.where, stage: step });
      const extra = err instanceof ConnectionFailure ? (err.detail ?? {}) : {};
      this.steps.push({
        step,
        ok: false,
        durationMs: elapsed(started),
        detail: redactDeep(
          {
            ...extra,
            error: info.code,
            message: info.message,
            ...(info.reply ? { reply: info.reply } : {}),
          },
          this.secrets,
        ),
      });
      throw err instanceof ConnectionFailure ? err : new ConnectionFailure(info, { cause: err });
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
