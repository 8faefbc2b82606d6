import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { StatusBadge } from '../components/Badges';
import { ErrorBanner } from '../components/ErrorBanner';
import { Icon } from '../components/Icon';
import { ListPager } from '../components/Pager';
import { accountName, loadAccountNames } from '../lib/accountNames';
import { relTime } from '../lib/format';
import { listMessages } from '../lib/messages';
import { latest } from '../lib/resource';
import { canEdit } from '../lib/session';
import { ComposeDialog } from './outbox/ComposeDialog';
import { MessageDrawer } from './outbox/MessageDrawer';

const tabs = [
  ['', 'All'],
  ['queued', 'Queued'],
  ['deferred', 'Deferred'],
  ['sent', 'Sent'],
  ['failed', 'Failed'],
  ['cancelled', 'Cancelled'],
] as const;

/** Every message sent through Mailroom, by status; a message opens in a drawer at /outbox/:id. */
export default function Outbox() {
  const params = useParams<{ id?: string }>();
  const [search, setSearch] = useSearchParams<{ status?: string; q?: string; page?: string }>();
  const navigate = useNavigate();
  const [composing, setComposing] = createSignal(false);
  // Fresh on each visit: an account created a minute ago must be pickable here.
  onMount(() => void loadAccountNames(true));
  const [data, { refetch }] = createResource(
    () => ({ status: search.status, q: search.q, page: Number(search.page) || 1, pageSize: 50 }),
    listMessages,
  );
  const qs = () => {
    const p = new URLSearchParams();
    if (search.status) p.set('status', search.status);
    if (search.q) p.set('q', search.q);
    const s = p.toString();
    return s ? '?' + s : '';
  };
  const open = (id: string) => navigate(`/outbox/${id}${qs()}`);

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Outbox</h1>
          <p>Queued, deferred, sent, failed and cancelled mail, with every delivery attempt.</p>
        </div>
        <div class="actions">
          <button type="button" class="btn" onClick={() => void refetch()}>
            Refresh
          </button>
          <Show when={canEdit()}>
            <button type="button" class="btn primary" onClick={() => setComposing(true)}>
              <Icon name="send" /> New message
            </button>
          </Show>
        </div>
      </div>
      <section class="card" aria-label="Messages">
        <nav class="tabs" aria-label="Message status">
          <For each={tabs}>
            {([value, label]) => (
              <A
                href={`/outbox${value ? `?status=${value}` : ''}`}
                class={(search.status ?? '') === value ? 'active' : ''}
                aria-current={(search.status ?? '') === value ? 'page' : undefined}
                end
              >
                {label}
              </A>
            )}
          </For>
        </nav>
        <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
          <div class="field grow">
            <label for="out-q">Search subject or recipient</label>
            <input
              id="out-q"
              type="search"
              value={search.q ?? ''}
              onChange={(e) => setSearch({ q: e.currentTarget.value || undefined, page: undefined })}
            />
          </div>
        </form>
        <ErrorBanner error={data.error} title="Could not load messages" />
        <div class="table-wrap" aria-busy={data.loading}>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">To</th>
                <th scope="col">From</th>
                <th scope="col">Account</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              <For
                each={latest(data)?.items ?? []}
                fallback={
                  <tr>
                    <td colSpan={7} class="empty">
                      No messages here yet.
                    </td>
                  </tr>
                }
              >
                {(m) => (
                  <tr class="clickable" onClick={() => open(m.id)}>
                    <td class="wrap">
                      <A class="rowlink" href={`/outbox/${m.id}${qs()}`} onClick={(e) => e.stopPropagation()}>
                        {m.subject || '(no subject)'}
                      </A>
                    </td>
                    <td>
                      {m.to[0]}
                      {m.to.length > 1 ? ` +${m.to.length - 1}` : ''}
                    </td>
                    <td>{m.from.address}</td>
                    <td>{accountName(m.accountId)}</td>
                    <td>
                      <StatusBadge status={m.status} />
                    </td>
                    <td class="num">{m.attemptCount}</td>
                    <td title={m.createdAt}>{relTime(m.createdAt)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <ListPager list={latest(data)} label="Message pages" onPage={(page) => setSearch({ page })} />
      </section>
      <MessageDrawer
        id={params.id}
        onClose={() => navigate(`/outbox${qs()}`)}
        onChanged={() => void refetch()}
      />
      <ComposeDialog
        open={composing()}
        onClose={() => setComposing(false)}
        onSent={(id) => {
          setComposing(false);
          void refetch();
          open(id);
        }}
      />
    </>
  );
}
