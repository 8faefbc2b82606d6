import type { AccountListQuery, AccountView, TrafficView } from '@mailroom/core/schemas';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createResource, For, onCleanup, onMount, Show } from 'solid-js';
import { Badge, HealthBadge, StageBadge } from '../components/Badges';
import { ErrorBanner } from '../components/ErrorBanner';
import { Icon } from '../components/Icon';
import { Pager } from '../components/Pager';
import { directionsOf, hostOf, listAccounts } from '../lib/accounts';
import { dateTime, relTime } from '../lib/format';
import { errorLabel } from '../lib/labels';
import { latest } from '../lib/resource';
import { canEdit, setTeamScope, teamName, teamScope, teams } from '../lib/session';
import { windowed } from '../lib/windowed';

type Params = {
  stage?: string;
  teamId?: string;
  direction?: string;
  health?: string;
  q?: string;
  sort?: string;
  page?: string;
  pageSize?: string;
};

// Kept literal here (not imported from the schemas) so this first screen does not pull zod in.
const stageOptions = [
  ['', 'Active & inactive'],
  ['active', 'Active'],
  ['inactive', 'Inactive'],
  ['deleted', 'Deleted'],
  ['all', 'All stages'],
] as const;
const healthOptions = [
  ['', 'Any health'],
  ['ok', 'OK'],
  ['degraded', 'Degraded'],
  ['failing', 'Failing'],
  ['auth_failed', 'Auth failed'],
  ['unknown', 'Unknown'],
] as const;
const directionOptions = [
  ['', 'Any direction'],
  ['outgoing', 'Outgoing'],
  ['incoming', 'Incoming'],
] as const;

/** The landing screen: every mail account, filterable, sortable, paged; the URL holds the view. */
export default function AccountsList() {
  const [params, setParams] = useSearchParams<Params>();
  const navigate = useNavigate();
  // The header's team switcher scopes the list unless the URL names a team itself.
  const teamFilter = () => params.teamId ?? (teamScope() || undefined);
  const query = (): AccountListQuery => ({
    stage: (params.stage || undefined) as AccountListQuery['stage'],
    teamId: teamFilter(),
    direction: (params.direction || undefined) as AccountListQuery['direction'],
    health: (params.health || undefined) as AccountListQuery['health'],
    q: params.q || undefined,
    sort: (params.sort || 'name') as AccountListQuery['sort'],
    page: Number(params.page) || 1,
    pageSize: Number(params.pageSize) || 50,
  });
  const [data] = createResource(query, listAccounts);
  // Up to 200 rows render whole; a 500- or 1,000-row page renders only what is near the viewport.
  const rows = windowed(() => latest(data)?.items ?? [], { rowHeight: ROW_HEIGHT });
  const filtered = () => !!(params.stage || teamFilter() || params.direction || params.health || params.q);

  let search: HTMLInputElement | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  const onSearch = (v: string) => {
    clearTimeout(debounce);
    debounce = setTimeout(() => setParams({ q: v || undefined, page: undefined }), 250);
  };
  // "/" jumps to search, as in most consoles.
  const onKey = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (e.key === '/' && !/INPUT|TEXTAREA|SELECT/.test(t.tagName)) {
      e.preventDefault();
      search?.focus();
    }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));

  const setFilter = (k: keyof Params, v: string) => setParams({ [k]: v || undefined, page: undefined });
  const sortBy = (col: string) => {
    const cur = params.sort || 'name';
    setParams({ sort: cur === col ? '-' + col : col, page: undefined });
  };
  const sortState = (col: string): 'ascending' | 'descending' | undefined => {
    const cur = params.sort || 'name';
    return cur === col ? 'ascending' : cur === '-' + col ? 'descending' : undefined;
  };

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Mail accounts</h1>
          <p>The servers Mailroom sends and receives through.</p>
        </div>
        <Show when={canEdit()}>
          <div class="actions">
            <A class="btn primary" href="/accounts/new">
              <Icon name="plus" /> New account
            </A>
          </div>
        </Show>
      </div>

      <section class="card" aria-label="Accounts">
        <form class="toolbar" aria-label="Filter accounts" onSubmit={(e) => e.preventDefault()}>
          <div class="field grow">
            <label for="acc-q">Search</label>
            <input
              id="acc-q"
              ref={search}
              type="search"
              placeholder="Name, host or address  ( / )"
              value={params.q ?? ''}
              onInput={(e) => onSearch(e.currentTarget.value)}
            />
          </div>
          <FilterSelect
            id="acc-stage"
            label="Stage"
            value={params.stage ?? ''}
            options={stageOptions}
            onValue={(v) => setFilter('stage', v)}
          />
          <div class="field">
            <label for="acc-team">Team</label>
            <select
              id="acc-team"
              value={teamFilter() ?? ''}
              onChange={(e) => setFilter('teamId', e.currentTarget.value)}
            >
              <option value="">All teams</option>
              <option value="system">System</option>
              <For each={teams()}>{(t) => <option value={t.id}>{t.name}</option>}</For>
            </select>
          </div>
          <FilterSelect
            id="acc-dir"
            label="Direction"
            value={params.direction ?? ''}
            options={directionOptions}
            onValue={(v) => setFilter('direction', v)}
          />
          <FilterSelect
            id="acc-health"
            label="Health"
            value={params.health ?? ''}
            options={healthOptions}
            onValue={(v) => setFilter('health', v)}
          />
        </form>

        <Show when={data.error}>
          <div class="body">
            <ErrorBanner error={data.error} title="Could not load accounts" />
          </div>
        </Show>

        <Show
          when={(latest(data)?.total ?? 1) > 0 || data.loading}
          fallback={
            <div class="empty">
              <Show
                when={filtered()}
                fallback={
                  <>
                    <h2>No mail accounts yet</h2>
                    <p>
                      Add the SMTP, IMAP or POP3 server your business mails through, test it, and make it the
                      default.
                    </p>
                    <Show when={canEdit()}>
                      <A class="btn primary" href="/accounts/new">
                        <Icon name="plus" /> New account
                      </A>
                    </Show>
                  </>
                }
              >
                <h2>No accounts match</h2>
                <p>Try another search or clear the filters.</p>
                <button
                  type="button"
                  class="btn"
                  onClick={() => {
                    setTeamScope('');
                    navigate('/accounts');
                  }}
                >
                  Clear filters
                </button>
              </Show>
            </div>
          }
        >
          <div class="table-wrap" aria-busy={data.loading}>
            <table
              class={`data ${rows.active() ? 'windowed' : ''}`}
              aria-rowcount={(latest(data)?.items.length ?? 0) + 1}
            >
              <caption class="sr-only">Mail accounts, sorted by {params.sort || 'name'}</caption>
              <thead>
                <tr>
                  <SortTh label="Name" col="name" state={sortState('name')} onSort={sortBy} />
                  <th scope="col">Traffic</th>
                  <th scope="col">Host</th>
                  <th scope="col">From</th>
                  <th scope="col">Team</th>
                  <SortTh label="Stage" col="stage" state={sortState('stage')} onSort={sortBy} />
                  <SortTh label="Health" col="health" state={sortState('health')} onSort={sortBy} />
                  <th scope="col">Verified</th>
                  <th scope="col">Default</th>
                  <SortTh label="Updated" col="updatedAt" state={sortState('updatedAt')} onSort={sortBy} />
                </tr>
              </thead>
              <tbody ref={rows.ref}>
                <Show when={rows.padTop()}>
                  {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row, never focusable */}
                  <tr aria-hidden="true" class="spacer" style={{ height: `${rows.padTop()}px` }} />
                </Show>
                <For each={rows.visible()}>
                  {(a, i) => <AccountRow account={a} rowIndex={rows.offset() + i() + 2} />}
                </For>
                <Show when={rows.padBottom()}>
                  {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row, never focusable */}
                  <tr aria-hidden="true" class="spacer" style={{ height: `${rows.padBottom()}px` }} />
                </Show>
              </tbody>
            </table>
          </div>
          <Show when={latest(data)}>
            {(d) => (
              <Pager
                page={d().page}
                pageSize={d().pageSize}
                total={d().total}
                label="Accounts pages"
                onPage={(p) => setParams({ page: p > 1 ? String(p) : undefined })}
                onPageSize={(n) => setParams({ pageSize: n === 50 ? undefined : String(n), page: undefined })}
              />
            )}
          </Show>
        </Show>
      </section>
    </>
  );
}

function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: ReadonlyArray<readonly [string, string]>;
  onValue: (v: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onValue(e.currentTarget.value)}>
        <For each={props.options}>{([v, l]) => <option value={v}>{l}</option>}</For>
      </select>
    </div>
  );
}

function SortTh(props: {
  label: string;
  col: string;
  state?: 'ascending' | 'descending';
  onSort: (c: string) => void;
}) {
  return (
    <th scope="col" aria-sort={props.state ?? 'none'}>
      <button type="button" onClick={() => props.onSort(props.col)}>
        {props.label}
        <span aria-hidden="true">
          {props.state === 'ascending' ? '▲' : props.state === 'descending' ? '▼' : ''}
        </span>
      </button>
    </th>
  );
}

/** Must match `table.data.windowed tbody tr` in styles.css. */
const ROW_HEIGHT = 57;

function AccountRow(props: { account: AccountView; rowIndex: number }) {
  const a = () => props.account;
  const verified = () => !!a().outgoing?.verifiedAt;
  return (
    <tr aria-rowindex={props.rowIndex}>
      <td class="wrap">
        <A class="rowlink" href={`/accounts/${a().id}`}>
          {a().name}
        </A>
        <Show when={a().label}>
          <div class="sub">{a().label}</div>
        </Show>
      </td>
      <td>
        <div class="stack" style={{ gap: '2px' }}>
          <For each={directionsOf(a())}>
            {(d) => (
              <div class="row" style={{ gap: '4px', 'flex-wrap': 'nowrap' }}>
                <Badge plain tone="accent" title={d === 'outgoing' ? 'Sends' : 'Fetches'}>
                  {d === 'outgoing' ? 'Out' : 'In'}
                </Badge>
                <Show when={d === 'outgoing' ? a().sending : a().fetching}>
                  {(t) => <LastTraffic t={t()} verb={d === 'outgoing' ? 'Sent' : 'Fetched'} />}
                </Show>
              </div>
            )}
          </For>
        </div>
      </td>
      <td class="mono">{hostOf(a())}</td>
      <td>{a().outgoing?.from.address ?? <span class="muted">—</span>}</td>
      <td>{teamName(a().teamId)}</td>
      <td>
        <StageBadge stage={a().stage} reason={a().stageReason} />
      </td>
      <td>
        <HealthBadge health={a().health} reason={a().healthReason} />
      </td>
      <td>
        <Show when={a().outgoing} fallback={<span class="muted">—</span>}>
          <Show when={verified()} fallback={<span class="muted">No</span>}>
            <Badge tone="ok">Verified</Badge>
          </Show>
        </Show>
      </td>
      <td>
        <div class="badges">
          <For each={a().defaults}>
            {(d) => (
              <Badge plain tone="info" title={`Default ${d.direction} for ${teamName(d.teamId)}`}>
                ★ {d.direction === 'outgoing' ? 'Out' : 'In'}
                {d.teamId ? ` · ${teamName(d.teamId)}` : ''}
              </Badge>
            )}
          </For>
        </div>
      </td>
      <td title={dateTime(a().updatedAt)}>{relTime(a().updatedAt)}</td>
    </tr>
  );
}

/**
 * The newer of a direction's last success and last failure, short ("Sent 2 min ago", "✕ Auth just
 * now"); both, with the failure's class in full and the server's reply, on hover.
 */
function LastTraffic(props: { t: TrafficView; verb: string }) {
  const latest = () => {
    const { lastOk, lastFailed } = props.t;
    if (lastOk && (!lastFailed || lastOk.at >= lastFailed.at)) return { ok: true, fact: lastOk };
    return lastFailed ? { ok: false, fact: lastFailed } : null;
  };
  const title = () => {
    const { lastOk, lastFailed } = props.t;
    return [
      lastOk
        ? `Last ${props.verb.toLowerCase()}: ${dateTime(lastOk.at)}`
        : `Never ${props.verb.toLowerCase()}`,
      lastFailed
        ? `Last failure: ${dateTime(lastFailed.at)}, ${errorLabel(lastFailed.errorCode ?? '')}: ${lastFailed.reply ?? lastFailed.summary}`
        : 'No failure',
    ].join('\n');
  };
  return (
    <span title={title()} class="sub">
      <Show when={latest()} fallback={<span class="muted">Nothing yet</span>}>
        {(l) =>
          l().ok ? (
            `${props.verb} ${ago(l().fact.at)}`
          ) : (
            // The cross and the class say "failed" without relying on the colour.
            <span style={{ color: 'var(--bad)', 'white-space': 'nowrap' }}>
              <span aria-hidden="true">✕</span>
              <span class="sr-only">Failed:</span> {shortClass(l().fact.errorCode)} {ago(l().fact.at)}
            </span>
          )
        }
      </Show>
    </span>
  );
}

/** "just now", "4 min ago", "3 h ago", "2 d ago", then the date: relTime without its periods, for a narrow cell. */
function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  if (s < 2700) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 79200) return `${Math.round(s / 3600)} h ago`;
  if (s < 604800) return `${Math.round(s / 86400)} d ago`;
  return dateTime(iso);
}

/** A failure class in a word or two, for a narrow cell (the full words are in the tooltip). */
const shortClass = (code: string | null) =>
  code === 'auth' ? 'Auth' : code === 'refused' ? 'Refused' : errorLabel(code ?? 'failed');
