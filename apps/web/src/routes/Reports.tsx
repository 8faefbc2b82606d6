import type { DeliveryReport, DeliveryRow } from '@mailroom/core/schemas';
import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { ErrorBanner } from '../components/ErrorBanner';
import { Icon } from '../components/Icon';
import { API, get, qs } from '../lib/api';
import { latest } from '../lib/resource';
import { scopeTeamId, teamScopeLabel } from '../lib/session';

type GroupBy = DeliveryReport['groupBy'];
const day = (d: Date) => d.toISOString().slice(0, 10);
// Partially sent (some recipients refused it for good) is neither sent nor failed: a column of its own.
// After them, recipients (not messages): bounced after the 250 (hard ones among them), complaints, suppressed.
const counts = [
  'total',
  'sent',
  'partiallySent',
  'failed',
  'deferred',
  'queued',
  'cancelled',
  'bounced',
  'hardBounced',
  'complained',
  'suppressed',
] as const;
const countLabels: Record<(typeof counts)[number], string> = {
  total: 'Total',
  sent: 'Sent',
  partiallySent: 'Partially sent',
  failed: 'Failed',
  deferred: 'Deferred',
  queued: 'Queued',
  cancelled: 'Cancelled',
  bounced: 'Bounced rcpts',
  hardBounced: 'Hard bounces',
  complained: 'Complaints',
  suppressed: 'Suppressed rcpts',
};

/** The accounts report (CSV) and delivery counts per account and day. */
export default function Reports() {
  const [from, setFrom] = createSignal(day(new Date(Date.now() - 6 * 86400e3)));
  const [to, setTo] = createSignal(day(new Date()));
  const [groupBy, setGroupBy] = createSignal<GroupBy>('account_day');
  // A period that ends before it starts is refused here, on the field: asking the API would only show its
  // error above an empty table that claims "No mail in this period".
  const backwards = () => !!from() && !!to() && from() > to();
  // The header's team switcher scopes the report and both downloads.
  const [report] = createResource(
    () => !backwards() && { from: from(), to: to(), groupBy: groupBy(), teamId: scopeTeamId() },
    (q) => get<DeliveryReport>('/reports/delivery', q),
  );
  // The last good report belongs to another period: not shown while this one is refused.
  const r = () => (backwards() ? undefined : latest(report));
  const showDay = () => r()?.groupBy !== 'account';
  const showAccount = () => r()?.groupBy !== 'day';

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Reports</h1>
          <p>
            Export the account inventory and see how much mail each account delivered, in full or in part.
          </p>
        </div>
      </div>
      <div class="stack">
        <section class="card" aria-labelledby="r-acc">
          <header>
            <h2 id="r-acc">
              Accounts report
              <ScopeNote />
            </h2>
            <a
              class="btn"
              href={`${API}/reports/accounts.csv${qs({ teamId: scopeTeamId() })}`}
              download="mailroom-accounts.csv"
            >
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
            <h2 id="r-del">
              Delivery
              <ScopeNote />
            </h2>
            <Show when={!backwards()}>
              <a
                class="btn"
                href={`${API}/reports/delivery.csv${qs({ from: from(), to: to(), groupBy: groupBy(), teamId: scopeTeamId() })}`}
                download="mailroom-delivery.csv"
                aria-label="Download CSV of the delivery report"
              >
                <Icon name="chart" /> Download CSV
              </a>
            </Show>
          </header>
          <form
            class="toolbar"
            // Labels in one line even while To shows its error under it.
            style={{ 'align-items': 'flex-start' }}
            onSubmit={(e) => e.preventDefault()}
          >
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
              <input
                id="r-to"
                type="date"
                value={to()}
                aria-invalid={backwards() ? 'true' : undefined}
                aria-describedby={backwards() ? 'r-to-error' : undefined}
                onChange={(e) => setTo(e.currentTarget.value)}
              />
              <Show when={backwards()}>
                <span id="r-to-error" class="error">
                  must not be before From
                </span>
              </Show>
            </div>
            <div class="field">
              <label for="r-group">Group by</label>
              <select
                id="r-group"
                value={groupBy()}
                onChange={(e) => setGroupBy(e.currentTarget.value as GroupBy)}
              >
                <option value="account_day">Account and day</option>
                <option value="account">Account</option>
                <option value="day">Day</option>
              </select>
            </div>
          </form>
          <ErrorBanner error={report.error} title="Could not load the delivery report" />
          <div class="table-wrap" aria-busy={report.loading}>
            <table class="data">
              <thead>
                <tr>
                  <Show when={showDay()}>
                    <th scope="col">Day</th>
                  </Show>
                  <Show when={showAccount()}>
                    <th scope="col">Account</th>
                  </Show>
                  <For each={counts}>
                    {(c) => (
                      <th scope="col" class="num">
                        {countLabels[c]}
                      </th>
                    )}
                  </For>
                </tr>
              </thead>
              <tbody>
                <For
                  each={r()?.rows ?? []}
                  fallback={
                    <tr>
                      <td colSpan={counts.length + 2} class="empty">
                        {backwards()
                          ? 'Choose a To date on or after the From date.'
                          : report.error
                            ? ''
                            : `No mail in this period${teamScopeLabel() ? ` for ${teamScopeLabel()}` : ''}.`}
                      </td>
                    </tr>
                  }
                >
                  {(row: DeliveryRow) => (
                    <tr>
                      <Show when={showDay()}>
                        <td>{row.day ?? '—'}</td>
                      </Show>
                      <Show when={showAccount()}>
                        <td>
                          <Show when={row.accountId} fallback={<span class="muted">No account</span>}>
                            <A href={`/accounts/${row.accountId}`}>{row.accountName ?? row.accountId}</A>
                          </Show>
                        </td>
                      </Show>
                      <For each={counts}>{(c) => <td class="num">{row[c]}</td>}</For>
                    </tr>
                  )}
                </For>
              </tbody>
              <Show when={r()?.rows.length}>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={(showDay() ? 1 : 0) + (showAccount() ? 1 : 0)}>
                      Total
                    </th>
                    <For each={counts}>{(c) => <td class="num">{r()?.totals[c]}</td>}</For>
                  </tr>
                </tfoot>
              </Show>
            </table>
          </div>
        </section>
      </div>
    </>
  );
}

/** The header's team scope beside a report's title (` · Sales team`), nothing for every team. */
function ScopeNote() {
  return (
    <Show when={teamScopeLabel()}>
      <span class="muted"> · {teamScopeLabel()}</span>
    </Show>
  );
}
