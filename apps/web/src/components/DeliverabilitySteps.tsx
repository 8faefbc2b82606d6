import type { TestStep } from '@mailroom/core/schemas';
import { createSignal, For, Show } from 'solid-js';
import { ms } from '../lib/format';

type Result = 'pass' | 'warn' | 'fail';
type Check = { name: string; result: Result; detail: string; hint: string };

const checkLabels: Record<string, string> = {
  spf: 'SPF',
  dkim: 'DKIM',
  dmarc: 'DMARC',
  alignment: 'Alignment',
};
const marks: Record<Result, { cls: string; sign: string; words: string }> = {
  pass: { cls: 'ok', sign: '✓', words: 'passed' },
  warn: { cls: 'warn', sign: '!', words: 'warning' },
  fail: { cls: 'bad', sign: '✕', words: 'failed' },
};
const isResult = (v: unknown): v is Result => v === 'pass' || v === 'warn' || v === 'fail';

/** The deliverability step's detail, read defensively (it is JSON from the API). */
export function deliverabilityOf(step: TestStep): {
  result: Result;
  domain: string;
  provider?: string;
  checks: Check[];
  message?: string;
  hint?: string;
} {
  const d = typeof step.detail === 'string' ? {} : step.detail;
  const checks = Array.isArray(d.checks)
    ? (d.checks as Check[]).filter((c) => c && typeof c.name === 'string' && isResult(c.result))
    : [];
  return {
    result: isResult(d.result) ? d.result : 'warn',
    domain: typeof d.domain === 'string' ? d.domain : '',
    ...(typeof d.provider === 'string' ? { provider: d.provider } : {}),
    checks,
    ...(typeof d.message === 'string' ? { message: d.message } : {}),
    ...(typeof d.hint === 'string' ? { hint: d.hint } : {}),
  };
}

function Mark(props: { result: Result }) {
  return (
    <span class={`mark ${marks[props.result].cls}`} aria-hidden="true">
      {marks[props.result].sign}
    </span>
  );
}

/**
 * The connection test's deliverability step: its worst result, then SPF, DKIM, DMARC and alignment each
 * with a pass, a warning or a failure, what was found, and what to do about it.
 */
export function DeliverabilityStep(props: { step: TestStep }) {
  const d = () => deliverabilityOf(props.step);
  const [open, setOpen] = createSignal(true);
  return (
    <li class="deliverability" data-testid="deliverability-step">
      <Mark result={d().result} />
      <span class="name">
        Deliverability{d().domain ? ` of ${d().domain}` : ''}
        <span class="sr-only"> {marks[d().result].words}</span>
      </span>
      <span class="time">{ms(props.step.durationMs)}</span>
      <span class="detail">
        {d().provider ? `Sending through ${d().provider}. ` : ''}
        {d().message ??
          'DNS records receivers check; a warning or a failure here does not stop mail from being sent.'}
        <Show when={d().hint}>
          {' '}
          <b>Hint:</b> {d().hint}
        </Show>{' '}
        <Show when={d().checks.length > 0}>
          <button
            type="button"
            class="btn ghost small"
            aria-expanded={open()}
            onClick={() => setOpen(!open())}
          >
            {open() ? 'Hide checks' : 'Show checks'}
          </button>
        </Show>
      </span>
      <Show when={open() && d().checks.length > 0}>
        <ol class="steps" aria-label="Deliverability checks" style={{ 'grid-column': '2 / -1' }}>
          <For each={d().checks}>
            {(c) => (
              <li data-check={c.name} data-result={c.result} style={{ padding: '4px 6px' }}>
                <Mark result={c.result} />
                <span class="name">
                  {checkLabels[c.name] ?? c.name}
                  <span class="sr-only"> {marks[c.result].words}</span>
                </span>
                <span class="time">
                  {c.result === 'pass' ? 'pass' : c.result === 'warn' ? 'warning' : 'failure'}
                </span>
                <span class="detail">
                  {c.detail}
                  <Show when={c.hint}>
                    <br />
                    <b>Hint:</b> {c.hint}
                  </Show>
                </span>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </li>
  );
}
