import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { ErrorBanner } from '../components/ErrorBanner';
import { Icon } from '../components/Icon';
import { accountName, loadAccountNames } from '../lib/accountNames';
import { API, get } from '../lib/api';
import { humanize } from '../lib/format';
import { latest } from '../lib/resource';

type Row = Record<string, unknown>;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The accounts report (CSV) and delivery counts per account and day. */
export default function Reports() {
  onMount(() => void loadAccountNames());
  const [from, setFrom] = createSignal(day(new Date(Date.now() - 6 * 86400e3)));
  const [to, setTo] = createSignal(day(new Date()));
  const [groupBy, setGroupBy] = createSignal('account,day');
  const [report] = createResource(
    () => ({ from: from(), to: to(), groupBy: groupBy() }),
    (q) =>
      get<{ items: Row[] } | Row[]>('/reports/delivery', q).then((r) => (Array.isArray(r) ? r : r.items)),
  );
  // The shape of a delivery row is the API's; show its columns as they come, account ids as names.
  const columns = () => {
    const first = latest(report)?.[0];
    return first ? Object.keys(first).filter((k) => k !== 'accountName') : [];
  };
  const cell = (r: Row, k: string) => {
    if (k === 'accountId')
      return (r.accountName as string | undefined) ?? accountName(r.accountId as string | null);
    const v = r[k];
    return v === null || v === undefined ? '—' : String(v);
  };
  const numeric = (k: string) => typeof latest(report)?.[0]?.[k] === 'number';

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Reports</h1>
          <p>Export the account inventory and see how much mail each account delivered.</p>
        </div>
      </div>
      <div class="stack">
        <section class="card" aria-labelledby="r-acc">
          <header>
            <h2 id="r-acc">Accounts report</h2>
            <a class="btn" href={`${API}/reports/accounts.csv`} download="mailroom-accounts.csv">
              <Icon name="chart" /> Download CSV
            </a>
          </header>
          <div class="body muted">
            Every account with its stage, health, servers, team, defaults, verification and audit dates, for a
            spreadsheet.
          </div>
        </section>
        <section class="card" aria-labelledby="r-del">
          <header>
            <h2 id="r-del">Delivery</h2>
          </header>
          <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
            <div class="field">
              <label for="r-from">From</label>
              <input
                id="r-from"
                type="date"
                value={from()}
                onChange={(e) => setFrom(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="r-to">To</label>
              <input id="r-to" type="date" value={to()} onChange={(e) => setTo(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="r-group">Group by</label>
              <select id="r-group" value={groupBy()} onChange={(e) => setGroupBy(e.currentTarget.value)}>
                <option value="account,day">Account and day</option>
                <option value="account">Account</option>
                <option value="day">Day</option>
              </select>
            </div>
          </form>
          <ErrorBanner error={report.error} title="Could not load the delivery report" />
          <div class="table-wrap" aria-busy={report.loading}>
            <Show
              when={(latest(report)?.length ?? 0) > 0}
              fallback={<div class="empty">No mail in this period.</div>}
            >
              <table class="data">
                <thead>
                  <tr>
                    <For each={columns()}>
                      {(c) => (
                        <th scope="col" class={numeric(c) ? 'num' : ''}>
                          {c === 'accountId' ? 'Account' : humanize(c)}
                        </th>
                      )}
                    </For>
                  </tr>
                </thead>
                <tbody>
                  <For each={latest(report) ?? []}>
                    {(r) => (
                      <tr>
                        <For each={columns()}>
                          {(c) => <td class={numeric(c) ? 'num' : ''}>{cell(r, c)}</td>}
                        </For>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </div>
        </section>
      </div>
    </>
  );
}
