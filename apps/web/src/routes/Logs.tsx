import {
  type Condition,
  type ConditionGroup,
  type LogEntry,
  logLevels,
  logSourceInfo,
  logSources,
} from '@mailroom/core/schemas';
import { A, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { ConditionBuilder, type CondRow } from '../components/ConditionBuilder';
import { type ListColumn, ListPage } from '../components/ListPage';
import { Modal } from '../components/Modal';
import { accountName, allAccounts, loadAccountNames } from '../lib/accountNames';
import { dateTimeSec, humanize } from '../lib/format';
import { fetchLogs } from '../lib/logs';
import { latest } from '../lib/resource';
import { onTeamScopeChange, scopeTeamId, teamScopeLabel } from '../lib/session';

type Params = {
  q?: string;
  filter?: string;
  levels?: string;
  range?: string;
  since?: string;
  until?: string;
  cursor?: string;
};

const levels = ['debug', 'info', 'warning', 'error'] as const;
const ranges: Record<string, number> = { '15m': 15 * 60e3, '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3 };

/** The URL's `filter` back into editable rows; a bad or foreign filter just starts empty. */
function parseGroup(s: string | undefined): { mode: 'all' | 'any'; rows: CondRow[] } {
  try {
    const g = s ? (JSON.parse(s) as ConditionGroup) : undefined;
    const mode = g && 'any' in g ? 'any' : 'all';
    const list = (g ? ('any' in g ? g.any : g.all) : []) as Condition[];
    return {
      mode,
      rows: list
        .filter((c) => 'field' in c)
        .map((c) => ({
          field: c.field,
          op: c.op,
          value: Array.isArray(c.value) ? c.value.join(', ') : String(c.value),
        })),
    };
  } catch {
    return { mode: 'all', rows: [] };
  }
}

function toGroup(mode: 'all' | 'any', rows: CondRow[]): ConditionGroup | undefined {
  const conds = rows
    .filter((r) => r.value.trim() !== '')
    .map((r) => ({
      field: r.field,
      op: r.op,
      value:
        r.op === 'in'
          ? r.value
              .split(',')
              .map((v) => v.trim())
              .filter(Boolean)
          : r.value.trim(),
    })) as Condition[];
  if (!conds.length) return undefined;
  return mode === 'any' ? { any: conds } : { all: conds };
}

/** datetime-local wants local "YYYY-MM-DDTHH:mm". */
const toLocalInput = (iso?: string) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
};

/** A source as people read it ("SMTP Auth"); an unknown code as it is. */
const sourceLabel = (code: string) =>
  (logSourceInfo as Record<string, { label: string }>)[code]?.label ?? code;

const choices = (field: string) => {
  if (field === 'source') return logSources.map((v) => ({ value: v, label: logSourceInfo[v].label }));
  if (field === 'level') return logLevels.map((v) => ({ value: v, label: humanize(v) }));
  if (field === 'accountId') return allAccounts().map((a) => ({ value: a.id, label: a.name }));
  return undefined;
};

/** The Main Log: condition builder, time range and level chips, all held in the URL. */
export default function Logs() {
  const [params, setParams] = useSearchParams<Params>();
  // Fresh on each visit: an account created a minute ago must be pickable here.
  onMount(() => void loadAccountNames(true));
  const initial = parseGroup(params.filter);
  const [rows, setRows] = createSignal<CondRow[]>(initial.rows);
  const [mode, setMode] = createSignal<'all' | 'any'>(initial.mode);
  const [detail, setDetail] = createSignal<LogEntry | null>(null);

  const chosenLevels = () => (params.levels ? params.levels.split(',').filter(Boolean) : []);
  const since = () => {
    const r = params.range;
    if (r && r !== 'custom' && ranges[r]) return new Date(Date.now() - ranges[r]!).toISOString();
    return r === 'custom' ? params.since : undefined;
  };
  const [data] = createResource(
    () => ({
      q: params.q,
      teamId: scopeTeamId(),
      since: since(),
      until: params.range === 'custom' ? params.until : undefined,
      levels: chosenLevels(),
      group: parseGroup(params.filter).rows.length
        ? (JSON.parse(params.filter!) as ConditionGroup)
        : undefined,
      cursor: params.cursor,
      pageSize: 50,
    }),
    fetchLogs,
  );
  onTeamScopeChange(() => params.cursor && setParams({ cursor: undefined }));

  const columns: ListColumn<LogEntry>[] = [
    { header: 'Time', cellClass: 'mono', cell: (l) => dateTimeSec(l.at) },
    { header: 'Level', cellClass: (l) => `level-${l.level}`, cell: (l) => humanize(l.level) },
    { header: 'Source', cell: (l) => <span title={l.source}>{sourceLabel(l.source)}</span> },
    {
      header: 'Message',
      cellClass: 'wrap',
      cell: (l) => (
        <button
          type="button"
          class="btn ghost small"
          style={{
            'white-space': 'normal',
            'text-align': 'left',
            height: 'auto',
            padding: '2px 4px',
            'font-weight': 400,
          }}
          onClick={(e) => {
            e.stopPropagation();
            setDetail(l);
          }}
        >
          {l.message}
        </button>
      ),
    },
    {
      header: 'Account',
      cell: (l) => (l.accountId ? accountName(l.accountId) : <span class="muted">—</span>),
    },
    { header: 'Actor', cell: (l) => l.actor ?? <span class="muted">—</span> },
  ];

  // Set by an Apply that found a condition without a value: such a row is marked until it has one.
  const [checked, setChecked] = createSignal(false);
  const problem = (i: number) =>
    checked() && rows()[i]?.value.trim() === '' ? 'Choose a value, or remove this condition.' : undefined;
  const apply = (e?: Event) => {
    e?.preventDefault();
    // A half-filled condition is not silently dropped: Apply would look like it did nothing.
    const blank = rows().findIndex((r) => r.value.trim() === '');
    if (blank >= 0) {
      setChecked(true);
      document.getElementById(`cond-value-${blank}`)?.focus();
      return;
    }
    setChecked(false);
    const g = toGroup(mode(), rows());
    setParams({ filter: g ? JSON.stringify(g) : undefined, cursor: undefined });
  };
  const toggleLevel = (l: string) => {
    const cur = new Set(chosenLevels());
    if (cur.has(l)) cur.delete(l);
    else cur.add(l);
    setParams({ levels: [...cur].join(',') || undefined, cursor: undefined });
  };

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Logs</h1>
          <p>Every event of every account. The address bar holds this view: copy it to share.</p>
        </div>
      </div>
      <section class="card" aria-label="Log filter">
        <form class="body stack" onSubmit={apply}>
          <div class="row" style={{ 'align-items': 'flex-end' }}>
            <div class="field" style={{ flex: 1, 'min-width': '220px' }}>
              <label for="log-q">Text</label>
              <input
                id="log-q"
                type="search"
                placeholder="Search messages"
                value={params.q ?? ''}
                onChange={(e) => setParams({ q: e.currentTarget.value || undefined, cursor: undefined })}
              />
            </div>
            <div class="field">
              <label for="log-range">Time range</label>
              <select
                id="log-range"
                value={params.range ?? ''}
                onChange={(e) => setParams({ range: e.currentTarget.value || undefined, cursor: undefined })}
              >
                <option value="">Any time</option>
                <option value="15m">Last 15 minutes</option>
                <option value="1h">Last hour</option>
                <option value="24h">Last 24 hours</option>
                <option value="7d">Last 7 days</option>
                <option value="custom">Custom…</option>
              </select>
            </div>
            <Show when={params.range === 'custom'}>
              <div class="field">
                <label for="log-since">From</label>
                <input
                  id="log-since"
                  type="datetime-local"
                  value={toLocalInput(params.since)}
                  onChange={(e) =>
                    setParams({
                      since: e.currentTarget.value
                        ? new Date(e.currentTarget.value).toISOString()
                        : undefined,
                    })
                  }
                />
              </div>
              <div class="field">
                <label for="log-until">To</label>
                <input
                  id="log-until"
                  type="datetime-local"
                  value={toLocalInput(params.until)}
                  onChange={(e) =>
                    setParams({
                      until: e.currentTarget.value
                        ? new Date(e.currentTarget.value).toISOString()
                        : undefined,
                    })
                  }
                />
              </div>
            </Show>
          </div>
          <fieldset class="row">
            <legend class="muted" style={{ float: 'left', margin: 0 }}>
              Levels
            </legend>
            <div class="chips">
              <For each={levels}>
                {(l) => (
                  <button
                    type="button"
                    class="chip"
                    aria-pressed={chosenLevels().includes(l)}
                    onClick={() => toggleLevel(l)}
                  >
                    {humanize(l)}
                  </button>
                )}
              </For>
            </div>
          </fieldset>
          <ConditionBuilder
            rows={rows()}
            mode={mode()}
            onRows={setRows}
            onMode={setMode}
            choices={choices}
            problem={problem}
          />
          <div class="actions">
            <button type="submit" class="btn primary">
              Apply conditions
            </button>
            <A class="btn ghost" href="/logs" onClick={() => setRows([])}>
              Reset
            </A>
          </div>
        </form>
      </section>
      <ListPage
        label="Log entries"
        style={{ 'margin-top': '16px' }}
        columns={columns}
        list={latest(data)}
        loading={data.loading}
        error={data.error}
        errorTitle="Could not load the logs"
        empty="No log entries match."
        onRowClick={setDetail}
        pagerLabel="Log pages"
        scope={teamScopeLabel()}
        onCursor={(cursor) => setParams({ cursor })}
      />
      <Modal drawer open={!!detail()} onOpenChange={(o) => !o && setDetail(null)} title="Log entry">
        <Show when={detail()}>
          {(l) => (
            <>
              <dl class="props">
                <dt>Time</dt>
                <dd>{dateTimeSec(l().at)}</dd>
                <dt>Level</dt>
                <dd class={`level-${l().level}`}>{humanize(l().level)}</dd>
                <dt>Source</dt>
                <dd>
                  {sourceLabel(l().source)} <span class="muted mono">{l().source}</span>
                </dd>
                <dt>Message</dt>
                <dd>{l().message}</dd>
                <dt>Account</dt>
                <dd>
                  {l().accountId ? (
                    <A href={`/accounts/${l().accountId}`}>{accountName(l().accountId)}</A>
                  ) : (
                    '—'
                  )}
                </dd>
                <dt>Actor</dt>
                <dd>{l().actor ?? '—'}</dd>
              </dl>
              <h3>Context</h3>
              <pre class="json">{JSON.stringify(l().context, null, 2)}</pre>
            </>
          )}
        </Show>
      </Modal>
    </>
  );
}
