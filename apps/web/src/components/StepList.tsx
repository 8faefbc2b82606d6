import type { ConnectionTestResult, TestStep } from '@mailroom/core/schemas';
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { failureText } from '../lib/failureText';
import { ms } from '../lib/format';
import { errorLabel, stepLabel } from '../lib/labels';
import { DeliverabilityStep } from './DeliverabilitySteps';
import { FailureMessage } from './FailureMessage';

/** Keys whose values are failure classes (`refused`, `tls` …): shown by their label. */
const CLASS_KEYS = new Set(['error', 'errorClass']);

/** `validTo` → "valid to": a field name inside a value reads as words. */
const words = (k: string) => k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * One value of a step's detail as text. Lists and records of any depth read as words, never as
 * "[object Object]": `tried: [{address, error}]` becomes "127.0.0.1 (Connection refused)".
 */
export function valueText(v: unknown, key = ''): string {
  if (v === undefined || v === null || v === '') return '';
  if (Array.isArray(v))
    return v
      .map((x) => valueText(x))
      .filter(Boolean)
      .join(', ');
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, valueText(x, k)] as const)
      .filter(([, x]) => x !== '');
    const [first, ...rest] = entries;
    if (!first) return '';
    // The first field names the thing (an address, a name); the others qualify it.
    const qualifiers = rest.map(([k, x]) => (CLASS_KEYS.has(k) ? x : `${words(k)} ${x}`));
    return qualifiers.length ? `${first[1]} (${qualifiers.join(', ')})` : first[1];
  }
  if (typeof v === 'string' && CLASS_KEYS.has(key)) return errorLabel(v);
  return String(v);
}

/** One line per protocol step, so a person sees how far the connection got and where it broke. */
export function detailText(d: TestStep['detail']): string {
  if (typeof d === 'string') return d;
  return Object.entries(d)
    .map(([k, v]) => {
      // A failed step repeats the failure's message: the same sentence as the banner, raw text left there.
      if (k === 'message' && typeof v === 'string' && typeof d.error === 'string')
        return [k, failureText({ code: d.error, message: v }).text] as const;
      return [k, valueText(v, k)] as const;
    })
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
}

/** While the server is being tried: an honest running clock (the API answers once, at the end). */
function Running(props: { label?: string }) {
  const start = performance.now();
  const [elapsed, setElapsed] = createSignal(0);
  const timer = setInterval(() => setElapsed(performance.now() - start), 100);
  onCleanup(() => clearInterval(timer));
  return (
    <ol class="steps">
      <li>
        <span class="mark run" aria-hidden="true" />
        <span class="name">Testing {props.label ?? 'connection'}…</span>
        <span class="time" aria-hidden="true">
          {ms(elapsed())}
        </span>
        <span class="detail">
          Resolving, connecting, greeting, authenticating and checking, step by step.
        </span>
      </li>
    </ol>
  );
}

/** The result of a connection test: each step with its timing and detail, then the hint on failure. */
export function StepList(props: { result?: ConnectionTestResult; running?: boolean; label?: string }) {
  return (
    <div class="stack" aria-live="polite" aria-busy={props.running}>
      <Show when={props.running}>
        <Running label={props.label} />
      </Show>
      <Show when={!props.running && props.result}>
        {(r) => (
          <>
            <div class={`banner ${r().ok ? 'ok' : 'error'}`} role="status" data-testid="test-result">
              {/* min-width 0: a long unbroken line (an OpenSSL error) wraps instead of widening the card. */}
              <div style={{ 'min-width': 0 }}>
                <strong>
                  {r().ok
                    ? 'Connection works'
                    : `Failed: ${r().error ? errorLabel(r().error!.code) : 'error'}`}{' '}
                  · {ms(r().durationMs)}
                </strong>
                <Show when={r().error}>
                  {(e) => (
                    <>
                      <FailureMessage error={e()} />
                      <Show when={e().reply}>
                        <p class="mono">{e().reply}</p>
                      </Show>
                      <p>
                        <b>Hint:</b> {e().hint}
                      </p>
                    </>
                  )}
                </Show>
              </div>
            </div>
            <ol class="steps" aria-label="Test steps">
              <For each={r().steps}>
                {(s) => (
                  // The deliverability check is a step with checks of its own (pass, warning, failure).
                  <Show when={s.step !== 'deliverability'} fallback={<DeliverabilityStep step={s} />}>
                    <li>
                      <span class={`mark ${s.ok ? 'ok' : 'bad'}`} aria-hidden="true">
                        {s.ok ? '✓' : '✕'}
                      </span>
                      <span class="name">
                        {stepLabel(s.step)}
                        <span class="sr-only">{s.ok ? ' passed' : ' failed'}</span>
                      </span>
                      <span class="time">{ms(s.durationMs)}</span>
                      <Show when={detailText(s.detail)}>
                        <span class="detail">{detailText(s.detail)}</span>
                      </Show>
                    </li>
                  </Show>
                )}
              </For>
            </ol>
          </>
        )}
      </Show>
    </div>
  );
}
