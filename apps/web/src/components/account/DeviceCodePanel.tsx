import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import {
  type AuthorizationView,
  clock,
  type DeviceStarted,
  getAuthorization,
  type OAuthStatus,
  statusText,
} from '../../lib/oauth';

/**
 * The device flow (RFC 8628) on screen: the user code big with a Copy button, the verification URL,
 * a countdown from `expiresIn`, and polling of the authorization at the provider's `interval` until it
 * is connected, denied, expired or failed. The server does the token polling (and honours `slow_down`);
 * this only reads the outcome.
 */
export function DeviceCodePanel(props: {
  started: DeviceStarted;
  onDone: (view: AuthorizationView) => void;
  onRestart?: () => void;
  /** Reads the authorization (tests pass their own). */
  poll?: (id: string) => Promise<AuthorizationView>;
}) {
  const poll = props.poll ?? getAuthorization;
  const [left, setLeft] = createSignal(props.started.expiresIn);
  const [status, setStatus] = createSignal<OAuthStatus>('pending');
  const [view, setView] = createSignal<AuthorizationView>();
  const [copied, setCopied] = createSignal(false);
  const [trouble, setTrouble] = createSignal(false);
  let tick: ReturnType<typeof setInterval> | undefined;
  let next: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const stop = () => {
    stopped = true;
    if (tick) clearInterval(tick);
    if (next) clearTimeout(next);
  };

  const finish = (v: AuthorizationView) => {
    stop();
    setView(v);
    setStatus(v.status);
    props.onDone(v);
  };

  const schedule = () => {
    if (stopped) return;
    next = setTimeout(check, Math.max(1, props.started.interval) * 1000);
  };

  async function check() {
    try {
      const v = await poll(props.started.id);
      if (stopped) return;
      setTrouble(false);
      if (v.status !== 'pending') return finish(v);
    } catch {
      // A dropped request is not the end of the sign-in: say so and try again at the next interval.
      if (stopped) return;
      setTrouble(true);
    }
    schedule();
  }

  onMount(() => {
    tick = setInterval(() => {
      const l = left() - 1;
      setLeft(l);
      if (l <= 0 && status() === 'pending') {
        finish({ id: props.started.id, status: 'expired', identity: null });
      }
    }, 1000);
    schedule();
  });
  onCleanup(stop);

  async function copy() {
    try {
      await navigator.clipboard.writeText(props.started.userCode);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  const link = () => props.started.verificationUriComplete ?? props.started.verificationUri;

  return (
    <fieldset class="device-panel stack">
      <legend class="sr-only">Sign in with a code</legend>
      <Show
        when={status() === 'pending'}
        fallback={
          <div
            class={`banner ${status() === 'connected' ? 'ok' : 'error'}`}
            role={status() === 'connected' ? 'status' : 'alert'}
          >
            <div>
              <strong>{statusText(status(), view()?.identity, view()?.error)}</strong>
              <Show when={status() !== 'connected' && props.onRestart}>
                <p>
                  <button type="button" class="btn" onClick={() => props.onRestart?.()}>
                    Get a new code
                  </button>
                </p>
              </Show>
            </div>
          </div>
        }
      >
        <p style={{ margin: 0 }}>
          On any device, open{' '}
          <a href={link()} target="_blank" rel="noopener noreferrer">
            {props.started.verificationUri}
          </a>{' '}
          and enter this code:
        </p>
        <div class="device-code-row">
          <code class="device-code" title="Your code">
            {props.started.userCode}
          </code>
          <button type="button" class="btn" onClick={copy}>
            {copied() ? 'Copied' : 'Copy'}
          </button>
        </div>
        <p class="muted" role="status" aria-live="polite" style={{ margin: 0 }}>
          {statusText('pending')} The code expires in <span class="countdown">{clock(left())}</span>.
        </p>
        <Show when={trouble()}>
          <p class="muted" style={{ margin: 0 }}>
            Cannot reach Mailroom right now; still trying.
          </p>
        </Show>
      </Show>
    </fieldset>
  );
}
