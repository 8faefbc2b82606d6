import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { ErrorBanner } from '../components/ErrorBanner';
import { ListPager } from '../components/Pager';
import { toast } from '../components/Toasts';
import { allAccounts, loadAccountNames } from '../lib/accountNames';
import { relTime } from '../lib/format';
import { fetchNow, listInbox } from '../lib/inbox';
import { latest } from '../lib/resource';
import { canEdit } from '../lib/session';
import { InboxDrawer } from './inbox/InboxDrawer';

/** Mail fetched from the accounts' IMAP mailboxes and POP3 maildrops; a message opens at /inbox/:id. */
export default function Inbox() {
  const params = useParams<{ id?: string }>();
  const [search, setSearch] = useSearchParams<{ accountId?: string; q?: string; page?: string }>();
  const navigate = useNavigate();
  const [fetching, setFetching] = createSignal(false);
  const [fetchError, setFetchError] = createSignal<unknown>();
  onMount(() => void loadAccountNames(true));
  const incomingAccounts = () => allAccounts().filter((a) => a.incoming && a.stage === 'active');
  const [data, { refetch }] = createResource(
    () => ({ accountId: search.accountId, q: search.q, page: Number(search.page) || 1, pageSize: 50 }),
    listInbox,
  );
  const qs = () => {
    const p = new URLSearchParams();
    if (search.accountId) p.set('accountId', search.accountId);
    if (search.q) p.set('q', search.q);
    const s = p.toString();
    return s ? `?${s}` : '';
  };
  const fetchSelected = async () => {
    if (!search.accountId) return;
    setFetching(true);
    setFetchError(undefined);
    try {
      const r = await fetchNow(search.accountId);
      if (r.error) setFetchError(new Error(`${r.error.message} — ${r.error.hint}`));
      else toast(`Fetched ${r.fetched} new message${r.fetched === 1 ? '' : 's'}`);
      void refetch();
    } catch (e) {
      setFetchError(e);
    } finally {
      setFetching(false);
    }
  };

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Inbox</h1>
          <p>Mail fetched from the accounts' incoming servers, newest first.</p>
        </div>
        <div class="actions">
          <button type="button" class="btn" onClick={() => void refetch()}>
            Refresh
          </button>
          <Show when={canEdit()}>
            <button
              type="button"
              class="btn primary"
              disabled={!search.accountId || fetching()}
              title={search.accountId ? undefined : 'Pick an account to fetch from'}
              onClick={() => void fetchSelected()}
            >
              {fetching() ? 'Fetching…' : 'Fetch now'}
            </button>
          </Show>
        </div>
      </div>
      <section class="card" aria-label="Fetched messages">
        <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
          <div class="field">
            <label for="in-account">Account</label>
            <select
              id="in-account"
              value={search.accountId ?? ''}
              onChange={(e) => setSearch({ accountId: e.currentTarget.value || undefined, page: undefined })}
            >
              <option value="">All accounts</option>
              <For each={incomingAccounts()}>{(a) => <option value={a.id}>{a.name}</option>}</For>
            </select>
          </div>
          <div class="field grow">
            <label for="in-q">Search subject, sender or recipient</label>
            <input
              id="in-q"
              type="search"
              value={search.q ?? ''}
              onChange={(e) => setSearch({ q: e.currentTarget.value || undefined, page: undefined })}
            />
          </div>
        </form>
        <ErrorBanner error={fetchError() ?? data.error} title="Could not fetch" />
        <div class="table-wrap" aria-busy={data.loading}>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Account</th>
                <th scope="col">Received</th>
              </tr>
            </thead>
            <tbody>
              <For
                each={latest(data)?.items ?? []}
                fallback={
                  <tr>
                    <td colSpan={5} class="empty">
                      Nothing fetched yet. Accounts with incoming settings are polled on their interval; pick
                      one and press “Fetch now” to fetch at once.
                    </td>
                  </tr>
                }
              >
                {(m) => (
                  <tr class="clickable" onClick={() => navigate(`/inbox/${m.id}${qs()}`)}>
                    <td class="wrap">
                      <A class="rowlink" href={`/inbox/${m.id}${qs()}`} onClick={(e) => e.stopPropagation()}>
                        {m.subject || '(no subject)'}
                      </A>
                      <Show when={m.attachmentCount}>
                        <span class="muted">
                          {' '}
                          · {m.attachmentCount} attachment{m.attachmentCount === 1 ? '' : 's'}
                        </span>
                      </Show>
                    </td>
                    <td>{m.from.name || m.from.address || '—'}</td>
                    <td>
                      {m.to[0] ?? '—'}
                      {m.to.length > 1 ? ` +${m.to.length - 1}` : ''}
                    </td>
                    <td>{m.accountName ?? m.accountId}</td>
                    <td title={m.date ?? m.fetchedAt}>{relTime(m.date ?? m.fetchedAt)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <ListPager list={latest(data)} label="Inbox pages" onPage={(page) => setSearch({ page })} />
      </section>
      <InboxDrawer id={params.id} onClose={() => navigate(`/inbox${qs()}`)} />
    </>
  );
}
