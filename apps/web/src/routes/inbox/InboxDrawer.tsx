import { createResource, createSignal, For, Show } from 'solid-js';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { dateTime } from '../../lib/format';
import { getInboxMessage, rawUrl } from '../../lib/inbox';
import { latest } from '../../lib/resource';

const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`);

/** One fetched message: text by default, HTML in a sandboxed frame (no scripts, no remote loads), headers. */
export function InboxDrawer(props: { id: string | undefined; onClose: () => void }) {
  const [msg] = createResource(() => props.id, getInboxMessage);
  const [view, setView] = createSignal<'text' | 'html' | 'headers'>('text');
  return (
    <Modal
      drawer
      open={!!props.id}
      onOpenChange={(o) => !o && props.onClose()}
      title={latest(msg)?.subject || 'Message'}
    >
      <ErrorBanner error={msg.error} />
      <Show when={latest(msg)}>
        {(m) => (
          <>
            <dl class="props">
              <dt>From</dt>
              <dd>{m().from.name ? `${m().from.name} <${m().from.address}>` : (m().from.address ?? '—')}</dd>
              <dt>To</dt>
              <dd>{m().to.join(', ') || '—'}</dd>
              <Show when={m().cc.length}>
                <dt>Cc</dt>
                <dd>{m().cc.join(', ')}</dd>
              </Show>
              <dt>Date</dt>
              <dd>{dateTime(m().date)}</dd>
              <dt>Account</dt>
              <dd>
                {m().accountName ?? m().accountId} <span class="muted">· {m().protocol.toUpperCase()}</span>
              </dd>
              <dt>Fetched</dt>
              <dd>{dateTime(m().fetchedAt)}</dd>
              <dt>Message-ID</dt>
              <dd class="mono">{m().messageId ?? '—'}</dd>
            </dl>
            <Show when={m().attachments.length}>
              <h3>Attachments</h3>
              <ul>
                <For each={m().attachments}>
                  {(a) => (
                    <li>
                      {a.filename ?? '(unnamed)'}{' '}
                      <span class="muted">
                        · {a.contentType} · {kb(a.size)}
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
            <div class="view-switch">
              <For
                each={
                  [
                    ['text', 'Text'],
                    ['html', 'HTML'],
                    ['headers', 'Headers'],
                  ] as const
                }
              >
                {([value, label]) => (
                  <button
                    type="button"
                    class="btn small"
                    aria-pressed={view() === value}
                    disabled={value === 'html' && !m().html}
                    onClick={() => setView(value)}
                  >
                    {label}
                  </button>
                )}
              </For>
              <span class="spacer" style={{ flex: 1 }} />
              <a class="btn small" href={rawUrl(m().id)} download="message.eml">
                Download .eml
              </a>
            </div>
            <Show when={view() === 'text'}>
              <pre class="mail-text">{m().text ?? '(no text part)'}</pre>
            </Show>
            <Show when={view() === 'html' && m().html}>
              {/* sandbox="" : no scripts, no forms, no same-origin access; the page CSP blocks remote images. */}
              <iframe class="mail-html" title="HTML part" sandbox="" srcdoc={m().html ?? ''} />
            </Show>
            <Show when={view() === 'headers'}>
              <dl class="props mono">
                <For each={Object.entries(m().headers)}>
                  {([k, v]) => (
                    <>
                      <dt>{k}</dt>
                      <dd class="wrap">{v}</dd>
                    </>
                  )}
                </For>
              </dl>
            </Show>
          </>
        )}
      </Show>
    </Modal>
  );
}
