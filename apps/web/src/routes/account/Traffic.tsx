import type { AccountView, TrafficFact, TrafficView } from '@mailroom/core/schemas';
import { createSignal, type JSX, Show } from 'solid-js';
import { Widget } from '../../components/account/Widgets';
import { Badge, HealthBadge } from '../../components/Badges';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FailureMessage } from '../../components/FailureMessage';
import { Icon } from '../../components/Icon';
import { toast } from '../../components/Toasts';
import { dateTime, relTime } from '../../lib/format';
import { fetchNow } from '../../lib/inbox';
import { errorLabel } from '../../lib/labels';
import { canEdit } from '../../lib/session';

/** When the poller comes next: "due now" once the time has come (the poller checks every few seconds). */
function untilText(iso: string): string {
  const ms = Date.parse(iso) - Date.now();
  if (ms <= 0) return 'due now';
  return ms < 45_000 ? 'in a few seconds' : relTime(iso);
}

/** One fact: when, the class of a failure, the server's words; the time in full on hover. */
function Fact(props: { fact: TrafficFact | null; ok: boolean; okText?: string; never: string }) {
  return (
    <Show when={props.fact} fallback={<span class="muted">{props.never}</span>}>
      {(f) => (
        <div class="stack" style={{ gap: '2px' }}>
          <div class="row" style={{ gap: '6px' }}>
            <Badge tone={props.ok ? 'ok' : 'bad'}>
              {props.ok ? (props.okText ?? 'OK') : errorLabel(f().errorCode ?? 'failed')}
              {!props.ok && f().responseCode ? ` · ${f().responseCode}` : ''}
            </Badge>
            <time class="muted" datetime={f().at} title={dateTime(f().at)}>
              {relTime(f().at)}
            </time>
          </div>
          <Show when={!props.ok} fallback={<div>{f().summary}</div>}>
            <FailureMessage
              error={{ code: f().errorCode ?? '', message: f().summary, detail: f().detail }}
              tight
            />
          </Show>
          <Show when={f().reply && !f().summary.includes(f().reply!)}>
            <div class="mono muted">{f().reply}</div>
          </Show>
        </div>
      )}
    </Show>
  );
}

/** A direction's real traffic: its health, the last success and failure, and what holds it back. */
function Direction(props: {
  title: string;
  t: TrafficView;
  extra?: JSX.Element;
  ok: string;
  okText: string;
  failed: string;
}) {
  return (
    <section aria-label={props.title} class="stack" style={{ gap: '8px' }}>
      <h3 style={{ margin: 0 }}>{props.title}</h3>
      <dl class="props">
        <dt>Health</dt>
        <dd class="row">
          <Show when={props.t.health} fallback={<span class="muted">Unknown: nothing tried yet</span>}>
            {(h) => (
              <>
                <HealthBadge health={h().health} />
                <span class="muted">
                  {h().reason} ·{' '}
                  <time datetime={h().since} title={dateTime(h().since)}>
                    since {dateTime(h().since)}
                  </time>
                </span>
              </>
            )}
          </Show>
        </dd>
        <dt>{props.ok}</dt>
        <dd>
          <Fact fact={props.t.lastOk} ok okText={props.okText} never="Never" />
        </dd>
        <dt>{props.failed}</dt>
        <dd>
          <Fact fact={props.t.lastFailed} ok={false} never="None" />
        </dd>
        {props.extra}
      </dl>
    </section>
  );
}

/**
 * What really happened on the account (sends and fetches, not only tests), with "Fetch now" for an
 * incoming part; `onChanged` reloads the account and its activity after a fetch.
 */
export function Traffic(props: { account: AccountView; onChanged: () => void }) {
  const [fetching, setFetching] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const canFetch = () =>
    canEdit() && props.account.stage === 'active' && props.account.incoming?.enabled === true;

  async function fetchMail() {
    setFetching(true);
    setError(undefined);
    try {
      const r = await fetchNow(props.account.id);
      if (r.error) setError(new Error(`${errorLabel(r.error.code)}: ${r.error.message} — ${r.error.hint}`));
      else toast(`Fetched ${r.fetched} new message${r.fetched === 1 ? '' : 's'}`);
    } catch (e) {
      setError(e);
    } finally {
      setFetching(false);
      props.onChanged();
    }
  }

  return (
    <Widget
      title="Sending and fetching"
      actions={
        <Show when={canFetch()}>
          <button type="button" class="btn small" disabled={fetching()} onClick={() => void fetchMail()}>
            <Icon name="inbox" /> {fetching() ? 'Fetching…' : 'Fetch now'}
          </button>
        </Show>
      }
    >
      <div class="stack">
        <ErrorBanner error={error()} title="The fetch failed" />
        <Show when={props.account.sending}>
          {(s) => (
            <Direction
              title="Sending"
              t={s()}
              ok="Last sent"
              okText="Sent"
              failed="Last failed send"
              extra={
                <Show when={s().pausedUntil || s().failuresInARow > 0}>
                  <dt>Failed in a row</dt>
                  <dd>
                    {s().failuresInARow}
                    <Show
                      when={s().pausedUntil}
                      fallback={
                        <span class="muted">
                          {s().health?.health === 'auth_failed'
                            ? ' · sends wait, deferred, until the account is reconnected'
                            : ' · still sending; more failures in a row pause the account'}
                        </span>
                      }
                    >
                      {(until) => (
                        <>
                          {' '}
                          · sending paused until <time datetime={until()}>{dateTime(until())}</time>, then it
                          tries again by itself
                        </>
                      )}
                    </Show>
                  </dd>
                </Show>
              }
            />
          )}
        </Show>
        <Show when={props.account.fetching}>
          {(f) => (
            <Direction
              title="Fetching"
              t={f()}
              ok="Last fetch"
              okText="Fetched"
              failed="Last failed fetch"
              extra={
                <>
                  <dt>Next poll</dt>
                  <dd>
                    <Show
                      when={f().nextPollAt}
                      fallback={
                        <span class="muted">
                          {props.account.incoming?.enabled && props.account.stage === 'active'
                            ? 'Soon'
                            : 'Not polled (incoming off or account not active)'}
                        </span>
                      }
                    >
                      {(next) => (
                        <>
                          <time datetime={next()} title={dateTime(next())}>
                            {untilText(next())}
                          </time>
                          <Show when={f().failuresInARow > 0}>
                            <span class="muted">
                              {' '}
                              · backing off after {f().failuresInARow} failed poll
                              {f().failuresInARow === 1 ? '' : 's'}
                            </span>
                          </Show>
                        </>
                      )}
                    </Show>
                  </dd>
                </>
              }
            />
          )}
        </Show>
      </div>
    </Widget>
  );
}
