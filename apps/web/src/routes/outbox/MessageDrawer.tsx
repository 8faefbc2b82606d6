import type { MessageView } from '@mailroom/core/schemas';
import { createEffect, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { StatusBadge } from '../../components/Badges';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { toast } from '../../components/Toasts';
import { accountName } from '../../lib/accountNames';
import { dateTimeSec, humanize, ms } from '../../lib/format';
import { cancelMessage, getMessage, retryMessage } from '../../lib/messages';
import { latest } from '../../lib/resource';

/** One message: recipients, every attempt with the server's reply, and retry / cancel. */
export function MessageDrawer(props: { id: string | undefined; onClose: () => void; onChanged: () => void }) {
  const [msg, { mutate, refetch }] = createResource(() => props.id, getMessage);
  const [error, setError] = createSignal<unknown>();
  // A message on its way settles by itself: follow it while the drawer is open (each second while
  // it is being sent, every five while it waits in the queue), and let the list know when it moves.
  createEffect(() => {
    const m = latest(msg);
    if (!m || !props.id || (m.status !== 'sending' && m.status !== 'queued')) return;
    const before = m.status;
    const timer = setTimeout(
      async () => {
        const now = await refetch();
        if (now && now.status !== before) props.onChanged();
      },
      before === 'sending' ? 1000 : 5000,
    );
    onCleanup(() => clearTimeout(timer));
  });
  let statusRow: HTMLDivElement | undefined;
  const act = async (fn: (id: string) => Promise<MessageView>, done: string) => {
    setError(undefined);
    try {
      mutate(await fn(props.id!));
      // The pressed button may disappear with the new status: announce it from the status row.
      queueMicrotask(() => statusRow?.focus());
      void refetch();
      toast(done);
      props.onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal
      drawer
      open={!!props.id}
      onOpenChange={(o) => !o && props.onClose()}
      title={latest(msg)?.subject || 'Message'}
    >
      <ErrorBanner error={error() ?? msg.error} />
      <Show when={latest(msg)}>
        {(m) => (
          <>
            <div class="row" ref={statusRow} tabindex="-1" aria-live="polite">
              <StatusBadge status={m().status} />
              <span class="spacer" style={{ flex: 1 }} />
              <Show when={m().status === 'failed' || m().status === 'deferred'}>
                <button type="button" class="btn small" onClick={() => act(retryMessage, 'Queued for retry')}>
                  Retry now
                </button>
              </Show>
              <Show when={m().status === 'queued' || m().status === 'deferred'}>
                <button
                  type="button"
                  class="btn small danger"
                  onClick={() => act(cancelMessage, 'Message cancelled')}
                >
                  Cancel
                </button>
              </Show>
            </div>
            <dl class="props">
              <dt>From</dt>
              <dd>{m().from.name ? `${m().from.name} <${m().from.address}>` : m().from.address}</dd>
              <dt>To</dt>
              <dd>{m().to.join(', ')}</dd>
              <Show when={m().cc.length}>
                <dt>Cc</dt>
                <dd>{m().cc.join(', ')}</dd>
              </Show>
              <dt>Account</dt>
              <dd>{accountName(m().accountId)}</dd>
              <dt>Route</dt>
              <dd>
                {humanize(m().route.reason)} <span class="muted">— {m().route.explanation}</span>
              </dd>
              <dt>Created</dt>
              <dd>{dateTimeSec(m().createdAt)}</dd>
              <dt>Sent</dt>
              <dd>{dateTimeSec(m().sentAt)}</dd>
              <Show when={m().nextAttemptAt}>
                <dt>Next attempt</dt>
                <dd>{dateTimeSec(m().nextAttemptAt)}</dd>
              </Show>
              <dt>Message-ID</dt>
              <dd class="mono">{m().messageId ?? '—'}</dd>
            </dl>
            <Show when={m().lastError}>
              {(e) => (
                <div class="banner error">
                  <div>
                    <strong>{humanize(e().code)}</strong>
                    <p>{e().message}</p>
                    {/* The API adds the server's reply and a hint beyond the schema's code/message. */}
                    <Show when={(e() as { reply?: string }).reply}>
                      <p class="mono">{(e() as { reply?: string }).reply}</p>
                    </Show>
                    <Show when={(e() as { hint?: string }).hint}>
                      <p class="muted">{(e() as { hint?: string }).hint}</p>
                    </Show>
                  </div>
                </div>
              )}
            </Show>
            <Show when={m().recipients.length}>
              <h3>Recipients</h3>
              <table class="data">
                <tbody>
                  <For each={m().recipients}>
                    {(r) => (
                      <tr>
                        <td>{r.address}</td>
                        <td>{humanize(r.status)}</td>
                        <td class="mono wrap">{r.reply ?? ''}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
            <h3>Attempts ({m().attempts?.length ?? m().attemptCount})</h3>
            <ol class="steps" aria-label="Delivery attempts">
              <For each={m().attempts ?? []} fallback={<li class="muted empty">No attempt yet.</li>}>
                {(a) => (
                  <li>
                    <span class={`mark ${a.ok ? 'ok' : 'bad'}`} aria-hidden="true">
                      {a.ok ? '✓' : '✕'}
                    </span>
                    <span class="name">
                      {dateTimeSec(a.at)}
                      {a.errorCode ? ` · ${a.errorCode}` : ''}
                    </span>
                    <span class="time">{ms(a.durationMs)}</span>
                    <span class="detail mono">{a.reply ?? ''}</span>
                  </li>
                )}
              </For>
            </ol>
          </>
        )}
      </Show>
    </Modal>
  );
}
