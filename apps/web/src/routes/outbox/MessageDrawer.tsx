import type { MessageView } from '@mailroom/core/schemas';
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { Badge, StatusBadge } from '../../components/Badges';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FailureMessage } from '../../components/FailureMessage';
import { Modal } from '../../components/Modal';
import { toast } from '../../components/Toasts';
import { accountName } from '../../lib/accountNames';
import { dateTimeSec, humanize, ms } from '../../lib/format';
import { errorLabel } from '../../lib/labels';
import { cancelMessage, getMessage, retryMessage } from '../../lib/messages';
import { latest } from '../../lib/resource';
import { RecipientStories, stateText } from './RecipientStories';

/** One message: recipients, every attempt with the server's reply, and retry / cancel. */
export function MessageDrawer(props: { id: string | undefined; onClose: () => void; onChanged: () => void }) {
  const [msg, { mutate, refetch }] = createResource(() => props.id, getMessage);
  const [error, setError] = createSignal<unknown>();
  // Cancel asks first, naming the message: it cannot be undone by the drawer's own buttons alone.
  const [confirming, setConfirming] = createSignal(false);
  let keepButton: HTMLButtonElement | undefined;
  createEffect(
    on(
      () => props.id,
      () => setConfirming(false),
    ),
  );
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
    setConfirming(false);
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
              <Show
                when={
                  (m().status === 'failed' || m().status === 'deferred' || m().status === 'cancelled') &&
                  retryable(m())
                }
              >
                <button type="button" class="btn small" onClick={() => act(retryMessage, 'Queued for retry')}>
                  Retry now
                </button>
              </Show>
              <Show when={m().status === 'partially_sent' && retryable(m())}>
                <button
                  type="button"
                  class="btn small"
                  onClick={() => act(retryMessage, 'Queued again for the refused recipients')}
                >
                  Retry refused recipients
                </button>
              </Show>
              <Show when={(m().status === 'queued' || m().status === 'deferred') && !confirming()}>
                <button
                  type="button"
                  class="btn small danger"
                  onClick={() => {
                    setConfirming(true);
                    queueMicrotask(() => keepButton?.focus());
                  }}
                >
                  Cancel
                </button>
              </Show>
            </div>
            <Show when={confirming() && (m().status === 'queued' || m().status === 'deferred')}>
              <fieldset class="banner warn" aria-describedby="cancel-question">
                <legend class="sr-only">Cancel this message?</legend>
                <div class="stack">
                  <p id="cancel-question">
                    Cancel “{m().subject || '(no subject)'}” to {m().to.join(', ')}? It will not be sent, and
                    not retried.
                  </p>
                  <div class="actions">
                    <button
                      type="button"
                      class="btn small"
                      ref={keepButton}
                      onClick={() => setConfirming(false)}
                    >
                      Keep it
                    </button>
                    <button
                      type="button"
                      class="btn small danger"
                      onClick={() => act(cancelMessage, `Cancelled “${m().subject || '(no subject)'}”`)}
                    >
                      Cancel message
                    </button>
                  </div>
                </div>
              </fieldset>
            </Show>
            <Show when={m().status === 'cancelled'}>
              <div class="banner info" role="status">
                <div>
                  <strong>Cancelled</strong>
                  <p>This message will not be sent, and it is not retried. Retry now queues it again.</p>
                </div>
              </div>
            </Show>
            <Show when={m().status === 'partially_sent'}>
              <PartialBanner m={m()} />
            </Show>
            <dl class="props">
              <dt>From</dt>
              <dd>
                {m().from.name ? `${m().from.name} <${m().from.address}>` : m().from.address}
                <Show when={m().sendAs}>
                  {(sa) => (
                    <>
                      {' '}
                      <Show when={sa().outcome === 'rewritten'}>
                        <Badge tone="warn">Rewritten</Badge>
                      </Show>
                      <div class="muted" style={{ 'font-size': '12.5px' }} data-testid="send-as">
                        {sa().detail}
                      </div>
                    </>
                  )}
                </Show>
              </dd>
              <Show when={m().replyTo}>
                <dt>Reply-To</dt>
                <dd>{m().replyTo}</dd>
              </Show>
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
            {/* A partially sent message has its own banner above, naming each refused recipient. */}
            <Show when={m().status !== 'partially_sent'}>
              <LastErrorBanner m={m()} />
            </Show>
            <Show when={m().recipients.length}>
              <h3>Recipients</h3>
              <RecipientStories m={m()} />
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
                      {a.errorCode ? ` · ${errorLabel(a.errorCode)}` : ''}
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

/** Why the message is not (yet) sent: its last error in a sentence, OpenSSL's line as technical detail. */
export function LastErrorBanner(props: { m: MessageView }) {
  return (
    <Show when={props.m.lastError}>
      {(e) => (
        <div
          class={`banner ${props.m.status === 'cancelled' ? '' : 'error'}`}
          // Once cancelled, the error is history, not an alarm: drawn in the neutral surface colours.
          style={
            props.m.status === 'cancelled'
              ? { background: 'var(--surface-2)', 'border-color': 'var(--border)' }
              : undefined
          }
        >
          {/* min-width 0: a long unbroken line (an OpenSSL error) wraps instead of widening the drawer. */}
          <div style={{ 'min-width': 0 }}>
            <strong>
              {props.m.status === 'cancelled' ? 'Last error before it was cancelled: ' : ''}
              {errorLabel(e().code)}
            </strong>
            <FailureMessage error={e()} />
            {/* The API adds the server's reply and a hint beyond the schema's code/message. */}
            <Show when={(e() as { reply?: string }).reply}>
              <p class="mono">{(e() as { reply?: string }).reply}</p>
            </Show>
            {/* The hint speaks of retrying: untrue once the message is cancelled. */}
            <Show when={props.m.status !== 'cancelled' && (e() as { hint?: string }).hint}>
              <p class="muted">{(e() as { hint?: string }).hint}</p>
            </Show>
          </div>
        </div>
      )}
    </Show>
  );
}

/** A retry has someone to send to: a recipient refused, deferred or never tried (not bounced, not suppressed). */
const retryable = (m: MessageView) =>
  m.recipients.some((r) => r.status === 'rejected' || r.status === 'deferred' || r.status === 'pending');

/** Who got a partially sent message and who refused it, from its per-recipient results. */
function PartialBanner(props: { m: MessageView }) {
  const refused = () =>
    props.m.recipients.filter(
      (r) => r.status === 'rejected' || r.status === 'bounced' || r.status === 'suppressed',
    );
  const onlyRefused = () => refused().every((r) => r.status === 'rejected');
  const total = () => props.m.recipients.length;
  return (
    <div class="banner warn" role="status">
      <div>
        <strong>
          Partially sent: {refused().length} of {total()} recipients{' '}
          {onlyRefused() ? 'refused it' : 'did not get it'}
        </strong>
        <p>
          {total() - refused().length === 1
            ? 'The other recipient accepted it'
            : `The other ${total() - refused().length} accepted it`}
          {props.m.sentAt ? ` (${dateTimeSec(props.m.sentAt)})` : ''}.
          {onlyRefused()
            ? ' Retry refused recipients sends it to these only:'
            : retryable(props.m)
              ? ' Bounced and suppressed addresses are not mailed again; Retry sends to refused ones only:'
              : ' Bounced and suppressed addresses are not mailed again:'}
        </p>
        <ul style={{ margin: '4px 0 0', 'padding-left': '1.2em' }}>
          <For each={refused()}>
            {(r) => (
              <li>
                {r.address} <span class="muted">{stateText(r)}</span>{' '}
                <span class="mono muted">{r.diagnostic ?? r.reply ?? ''}</span>
              </li>
            )}
          </For>
        </ul>
      </div>
    </div>
  );
}
