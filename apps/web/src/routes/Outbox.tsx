import type { MessageView } from '@mailroom/core/schemas';
import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, onMount, Show } from 'solid-js';
import { StatusBadge } from '../components/Badges';
import { type FilterTab, FilterTabs } from '../components/FilterTabs';
import { Icon } from '../components/Icon';
import { type ListColumn, ListPage } from '../components/ListPage';
import { accountName, loadAccountNames } from '../lib/accountNames';
import { qs } from '../lib/api';
import { dateTime, relTime } from '../lib/format';
import { listMessages } from '../lib/messages';
import { latest } from '../lib/resource';
import { canEdit, onTeamScopeChange, scopeTeamId, teamScopeLabel } from '../lib/session';
import { ComposeDialog } from './outbox/ComposeDialog';
import { MessageDrawer } from './outbox/MessageDrawer';

const tabs: FilterTab[] = [
  { value: '', label: 'All' },
  { value: 'queued', label: 'Queued' },
  { value: 'deferred', label: 'Deferred' },
  { value: 'sent', label: 'Sent' },
  // Some recipients accepted it, the others refused it for good: neither sent nor failed.
  { value: 'partially_sent', label: 'Partially sent' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
];

/** Every message sent through Mailroom, by status; a message opens in a drawer at /outbox/:id. */
export default function Outbox() {
  const params = useParams<{ id?: string }>();
  const [search, setSearch] = useSearchParams<{ status?: string; q?: string; cursor?: string }>();
  const navigate = useNavigate();
  const [composing, setComposing] = createSignal(false);
  // Fresh on each visit: an account created a minute ago must be pickable here.
  onMount(() => void loadAccountNames(true));
  const [data, { refetch }] = createResource(
    () => ({
      status: search.status,
      q: search.q,
      teamId: scopeTeamId(),
      cursor: search.cursor,
      pageSize: 50,
    }),
    listMessages,
  );
  onTeamScopeChange(() => search.cursor && setSearch({ cursor: undefined }));
  // The drawer's URL keeps the list's filters, so closing it returns to the same view.
  const filters = () => qs({ status: search.status, q: search.q, cursor: search.cursor });
  const href = (id: string) => `/outbox/${id}${filters()}`;
  const open = (id: string) => navigate(href(id));
  const columns: ListColumn<MessageView>[] = [
    {
      header: 'Subject',
      cellClass: 'wrap',
      cell: (m) => (
        <A class="rowlink" href={href(m.id)} onClick={(e) => e.stopPropagation()}>
          {m.subject || '(no subject)'}
        </A>
      ),
    },
    {
      header: 'To',
      cell: (m) => (
        <>
          {m.to[0]}
          {m.to.length > 1 ? ` +${m.to.length - 1}` : ''}
        </>
      ),
    },
    { header: 'From', cell: (m) => m.from.address },
    { header: 'Account', cell: (m) => accountName(m.accountId) },
    {
      header: 'Status',
      cell: (m) => (
        <>
          <StatusBadge status={m.status} />
          <Show when={m.status === 'partially_sent'}>
            <div class="sub">
              {m.recipients.filter((r) => r.status === 'rejected').length} of {m.recipients.length} refused
            </div>
          </Show>
        </>
      ),
    },
    { header: 'Attempts', class: 'num', cell: (m) => m.attemptCount },
    { header: 'Created', title: (m) => dateTime(m.createdAt), cell: (m) => relTime(m.createdAt) },
  ];

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Outbox</h1>
          <p>
            Queued, deferred, sent, partially sent, failed and cancelled mail, with every delivery attempt.
          </p>
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
      <ListPage
        label="Messages"
        toolbar={
          <>
            <FilterTabs
              label="Message status"
              tabs={tabs}
              current={search.status ?? ''}
              href={(status) => `/outbox${qs({ status })}`}
            />
            <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
              <div class="field grow">
                <label for="out-q">Search subject or recipient</label>
                <input
                  id="out-q"
                  type="search"
                  value={search.q ?? ''}
                  onChange={(e) => setSearch({ q: e.currentTarget.value || undefined, cursor: undefined })}
                />
              </div>
            </form>
          </>
        }
        columns={columns}
        list={latest(data)}
        loading={data.loading}
        error={data.error}
        errorTitle="Could not load messages"
        empty={
          // A search or a tab that finds nothing says so: mail may well exist, just not matching.
          search.q
            ? `No message matches “${search.q}”${search.status ? ' in this tab' : ''}.`
            : search.status
              ? 'No message matches this status.'
              : 'No messages here yet.'
        }
        onRowClick={(m) => open(m.id)}
        pagerLabel="Message pages"
        scope={teamScopeLabel()}
        onCursor={(cursor) => setSearch({ cursor })}
      />
      <MessageDrawer
        id={params.id}
        onClose={() => navigate(`/outbox${filters()}`)}
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
