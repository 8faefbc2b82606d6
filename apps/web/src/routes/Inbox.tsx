import type { InboxSummary } from '@mailroom/core/schemas';
import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { type ListColumn, ListPage } from '../components/ListPage';
import { toast } from '../components/Toasts';
import { allAccounts, loadAccountNames } from '../lib/accountNames';
import { qs } from '../lib/api';
import { dateTime, relTime } from '../lib/format';
import { fetchNow, listInbox } from '../lib/inbox';
import { latest } from '../lib/resource';
import { canEdit, onTeamScopeChange, scopeTeamId, teamScopeLabel } from '../lib/session';
import { InboxDrawer } from './inbox/InboxDrawer';

/** Mail fetched from the accounts' IMAP mailboxes and POP3 maildrops; a message opens at /inbox/:id. */
export default function Inbox() {
  const params = useParams<{ id?: string }>();
  const [search, setSearch] = useSearchParams<{ accountId?: string; q?: string; cursor?: string }>();
  const navigate = useNavigate();
  const [fetching, setFetching] = createSignal(false);
  const [fetchError, setFetchError] = createSignal<unknown>();
  onMount(() => void loadAccountNames(true));
  const incomingAccounts = () => allAccounts().filter((a) => a.incoming && a.stage === 'active');
  const [data, { refetch }] = createResource(
    () => ({
      accountId: search.accountId,
      teamId: scopeTeamId(),
      q: search.q,
      cursor: search.cursor,
      pageSize: 50,
    }),
    listInbox,
  );
  onTeamScopeChange(() => search.cursor && setSearch({ cursor: undefined }));
  // The drawer's URL keeps the list's filters, so closing it returns to the same view.
  const filters = () => qs({ accountId: search.accountId, q: search.q, cursor: search.cursor });
  const href = (id: string) => `/inbox/${id}${filters()}`;
  const columns: ListColumn<InboxSummary>[] = [
    {
      header: 'Subject',
      cellClass: 'wrap',
      cell: (m) => (
        <>
          <A class="rowlink" href={href(m.id)} onClick={(e) => e.stopPropagation()}>
            {m.subject || '(no subject)'}
          </A>
          <Show when={m.attachmentCount}>
            <span class="muted">
              {' '}
              · {m.attachmentCount} attachment{m.attachmentCount === 1 ? '' : 's'}
            </span>
          </Show>
        </>
      ),
    },
    { header: 'From', cell: (m) => m.from.name || m.from.address || '—' },
    {
      header: 'To',
      cell: (m) => (
        <>
          {m.to[0] ?? '—'}
          {m.to.length > 1 ? ` +${m.to.length - 1}` : ''}
        </>
      ),
    },
    { header: 'Account', cell: (m) => m.accountName ?? m.accountId },
    {
      header: 'Received',
      title: (m) => dateTime(m.date ?? m.fetchedAt),
      cell: (m) => relTime(m.date ?? m.fetchedAt),
    },
  ];
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
      <ListPage
        label="Fetched messages"
        toolbar={
          <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
            <div class="field">
              <label for="in-account">Account</label>
              <select
                id="in-account"
                value={search.accountId ?? ''}
                onChange={(e) =>
                  setSearch({ accountId: e.currentTarget.value || undefined, cursor: undefined })
                }
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
                onChange={(e) => setSearch({ q: e.currentTarget.value || undefined, cursor: undefined })}
              />
            </div>
          </form>
        }
        columns={columns}
        list={latest(data)}
        loading={data.loading}
        error={fetchError() ?? data.error}
        errorTitle="Could not fetch"
        empty={
          <Show
            when={search.q}
            fallback={
              <>
                Nothing fetched yet. Accounts with incoming settings are polled on their interval; pick one
                and press “Fetch now” to fetch at once.
              </>
            }
          >
            {(q) => <>No fetched message matches “{q()}”.</>}
          </Show>
        }
        onRowClick={(m) => navigate(href(m.id))}
        pagerLabel="Inbox pages"
        scope={teamScopeLabel()}
        onCursor={(cursor) => setSearch({ cursor })}
      />
      <InboxDrawer id={params.id} onClose={() => navigate(`/inbox${filters()}`)} />
    </>
  );
}
