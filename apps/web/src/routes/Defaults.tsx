import type { DefaultEntry, Direction, RoutingExplain } from '@mailroom/core/schemas';
import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { Badge } from '../components/Badges';
import { ErrorBanner } from '../components/ErrorBanner';
import { Modal } from '../components/Modal';
import { toast } from '../components/Toasts';
import { listAccounts } from '../lib/accounts';
import { defaultOf, explainRoute, listDefaults, setDefault } from '../lib/defaults';
import { humanize, relTime } from '../lib/format';
import { latest } from '../lib/resource';
import { canEdit, teams } from '../lib/session';

type Scope = { teamId: string | null; name: string };

/** Defaults per scope (system and each team), and the explainer of routing decisions. */
export default function Defaults() {
  const [defaults, { refetch }] = createResource(listDefaults);
  const scopes = (): Scope[] => [
    { teamId: null, name: 'System' },
    ...teams().map((t) => ({ teamId: t.id, name: t.name })),
  ];
  const [editing, setEditing] = createSignal<{ scope: Scope; direction: Direction } | null>(null);

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Defaults & routing</h1>
          <p>
            Mail that names no account goes through a matching “send as” account, else the team default, else
            the system default. That account's Send-as list then decides whether the From may be used as it
            is: the explainer runs the very checks a send runs.
          </p>
        </div>
      </div>
      <div class="stack">
        <section class="card" aria-labelledby="defaults-title">
          <header>
            <h2 id="defaults-title">Default accounts</h2>
          </header>
          <ErrorBanner error={defaults.error} />
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Scope</th>
                  <th scope="col">Outgoing default</th>
                  <th scope="col">Incoming default</th>
                </tr>
              </thead>
              <tbody>
                <For each={scopes()}>
                  {(s) => (
                    <tr>
                      <th
                        scope="row"
                        style={{ background: 'transparent', color: 'var(--text)', 'font-size': '14px' }}
                      >
                        {s.name}
                      </th>
                      <For each={['outgoing', 'incoming'] as const}>
                        {(dir) => (
                          <DefaultCell
                            entry={defaultOf(latest(defaults)?.items ?? [], s.teamId, dir)}
                            label={`${s.name} ${dir}`}
                            onChange={canEdit() ? () => setEditing({ scope: s, direction: dir }) : undefined}
                          />
                        )}
                      </For>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </section>
        <Explainer />
      </div>
      <Show when={editing()}>
        {(e) => (
          <ChangeDefault
            scope={e().scope}
            direction={e().direction}
            current={defaultOf(latest(defaults)?.items ?? [], e().scope.teamId, e().direction)}
            onClose={() => setEditing(null)}
            onDone={() => {
              setEditing(null);
              void refetch();
            }}
          />
        )}
      </Show>
    </>
  );
}

function DefaultCell(props: { entry?: DefaultEntry; label: string; onChange?: () => void }) {
  return (
    <td>
      <div class="row">
        <Show when={props.entry} fallback={<span class="muted">None</span>}>
          {(d) => (
            <span>
              <A href={`/accounts/${d().accountId}`} class="rowlink">
                {d().accountName}
              </A>{' '}
              <span class="sub">since {relTime(d().updatedAt)}</span>
            </span>
          )}
        </Show>
        <Show when={props.onChange}>
          <button
            type="button"
            class="btn small ghost"
            aria-label={`Change ${props.label} default`}
            onClick={() => props.onChange?.()}
          >
            Change
          </button>
        </Show>
      </div>
    </td>
  );
}

/** Pick the default of one scope among its active accounts, or clear it. */
function ChangeDefault(props: {
  scope: Scope;
  direction: Direction;
  current?: DefaultEntry;
  onClose: () => void;
  onDone: () => void;
}) {
  const [candidates] = createResource(() =>
    listAccounts({ stage: 'active', direction: props.direction, pageSize: 500, sort: 'name' }),
  );
  const [choice, setChoice] = createSignal(props.current?.accountId ?? '');
  const [error, setError] = createSignal<unknown>();
  async function save(e: Event) {
    e.preventDefault();
    setError(undefined);
    try {
      // The admin sees the current default in this dialog, so choosing another one is the replace.
      await setDefault({
        teamId: props.scope.teamId,
        direction: props.direction,
        accountId: choice() || null,
        replace: true,
      });
      toast(choice() ? 'Default changed' : 'Default cleared');
      props.onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Modal
      open
      onOpenChange={(o) => !o && props.onClose()}
      title={`${props.scope.name}: ${props.direction} default`}
      description={props.current ? `Now: ${props.current.accountName}.` : 'No default yet.'}
    >
      <form class="stack" onSubmit={save}>
        <ErrorBanner error={error() ?? candidates.error} />
        <div class="field">
          <label for="default-choice">Account</label>
          <select id="default-choice" value={choice()} onChange={(e) => setChoice(e.currentTarget.value)}>
            <option value="">No default</option>
            <For
              each={(latest(candidates)?.items ?? []).filter(
                (a) => props.scope.teamId === null || a.teamId === null || a.teamId === props.scope.teamId,
              )}
            >
              {(a) => (
                <option value={a.id} selected={a.id === choice()}>
                  {a.name}
                  {a.outgoing && props.direction === 'outgoing' ? ` — ${a.outgoing.from.address}` : ''}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button type="button" class="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn primary">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

const sendAsTone = { allowed: 'ok', rewritten: 'warn', refused: 'bad' } as const;
const sendAsLabel = {
  allowed: 'From allowed',
  rewritten: 'From rewritten',
  refused: 'From refused',
} as const;

/** Who the explanation is about: the From typed, else the caller's own sending address (their profile). */
function asked(r: RoutingExplain, typed: string): string {
  if (typed) return typed;
  const mine = r.sendAs?.source === 'user' ? r.sendAs.requested?.address : undefined;
  return mine ? `you (${mine})` : 'this sender';
}

/** "Mail from x@y goes through … because …", and what Send-as makes of the From: the send's own plan. */
function Explainer() {
  const [from, setFrom] = createSignal('');
  const [teamId, setTeamId] = createSignal('');
  const [result, setResult] = createSignal<RoutingExplain>();
  const [error, setError] = createSignal<unknown>();
  async function run(e: Event) {
    e.preventDefault();
    setError(undefined);
    try {
      setResult(await explainRoute(from().trim(), teamId() || undefined));
    } catch (err) {
      setResult(undefined);
      setError(err);
    }
  }
  return (
    <section class="card" aria-labelledby="explain-title">
      <header>
        <h2 id="explain-title">Routing explainer</h2>
      </header>
      <div class="body stack">
        <form class="row" style={{ 'align-items': 'flex-end' }} onSubmit={run}>
          <div class="field" style={{ flex: 1, 'min-width': '240px' }}>
            <label for="explain-from">Mail from</label>
            <input
              id="explain-from"
              type="email"
              placeholder="billing@example.com (empty: your sending address)"
              value={from()}
              onInput={(e) => setFrom(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="explain-team">Sent by team</label>
            <select id="explain-team" value={teamId()} onChange={(e) => setTeamId(e.currentTarget.value)}>
              <option value="">No team</option>
              <For each={teams()}>{(t) => <option value={t.id}>{t.name}</option>}</For>
            </select>
          </div>
          <button type="submit" class="btn primary">
            Explain
          </button>
        </form>
        <ErrorBanner error={error()} />
        <Show when={result()}>
          {(r) => (
            <>
              <p class="explain" role="status" data-testid="route-explanation">
                <Show when={r().accountId} fallback={<>No account would send this mail. </>}>
                  Mail from <b>{asked(r(), from())}</b> {r().sendable ? 'goes' : 'would go'} through{' '}
                  <A href={`/accounts/${r().accountId}`}>{r().accountName}</A> because{' '}
                </Show>
                {r().explanation}
              </p>
              <Show when={r().sendAs}>
                {(sa) => (
                  <div class="row" data-testid="send-as-verdict">
                    <Badge tone={sendAsTone[sa().outcome]}>{sendAsLabel[sa().outcome]}</Badge>
                    <span>
                      <Show when={sa().from}>
                        {(f) => (
                          <>
                            Sent as <b>{f().name ? `${f().name} <${f().address}>` : f().address}</b>
                            {sa().replyTo ? `, Reply-To ${sa().replyTo}` : ''}.{' '}
                          </>
                        )}
                      </Show>
                      <span class="muted">{sa().detail}.</span>
                    </span>
                  </div>
                )}
              </Show>
              <Show when={r().refusal}>
                {(f) => (
                  <div class="banner error" data-testid="route-refusal">
                    <div>
                      <strong>
                        A send would be refused ({f().status}): {f().errors?.[0]?.message ?? f().message}
                      </strong>
                      <Show when={f().hint}>
                        <p>{f().hint}</p>
                      </Show>
                    </div>
                  </div>
                )}
              </Show>
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">Rule, in order</th>
                    <th scope="col">Account</th>
                    <th scope="col">Result</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={r().candidates}>
                    {(c) => (
                      <tr>
                        <td>{humanize(c.rule)}</td>
                        <td>{c.accountName ?? <span class="muted">—</span>}</td>
                        <td>
                          <Badge tone={c.matched ? 'ok' : ''}>{c.matched ? 'Matched' : 'No match'}</Badge>
                        </td>
                        <td class="wrap">{c.detail}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </>
          )}
        </Show>
      </div>
    </section>
  );
}
