import type { ConnectionTestResult, TestStep } from '@mailroom/core/schemas';
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { humanize, ms } from '../lib/format';

/** One line per protocol step, so a person sees how far the connection got and where it broke. */
function detailText(d: TestStep['detail']): string {
  if (typeof d === 'string') return d;
  return Object.entries(d)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    )
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
              <div>
                <strong>
                  {r().ok ? 'Connection works' : `Failed: ${r().error ? humanize(r().error!.code) : 'error'}`}{' '}
                  · {ms(r().durationMs)}
                </strong>
                <Show when={r().error}>
                  {(e) => (
                    <>
                      <p>{e().message}</p>
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
                  <li>
                    <span class={`mark ${s.ok ? 'ok' : 'bad'}`} aria-hidden="true">
                      {s.ok ? '✓' : '✕'}
                    </span>
                    <span class="name">
                      {humanize(s.step)}
                      <span class="sr-only">{s.ok ? ' passed' : ' failed'}</span>
                    </span>
                    <span class="time">{ms(s.durationMs)}</span>
                    <Show when={detailText(s.detail)}>
                      <span class="detail">{detailText(s.detail)}</span>
                    </Show>
                  </li>
                )}
              </For>
            </ol>
          </>
        )}
      </Show>
    </div>
  );
}
