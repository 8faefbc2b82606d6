import type { AccountView, ConnectionTestResult, Direction, Stage } from '@mailroom/core/schemas';
import { A, useParams } from '@solidjs/router';
import { createResource, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { DeliverabilityToggle } from '../components/account/DeliverabilityToggle';
import {
  DetailsProps,
  HealthProps,
  IncomingProps,
  OutgoingProps,
  Widget,
} from '../components/account/Widgets';
import { Badge, HealthBadge, StageBadge } from '../components/Badges';
import { ErrorBanner } from '../components/ErrorBanner';
import { Icon } from '../components/Icon';
import { StepList } from '../components/StepList';
import { directionsOf, getAccount, testAccount } from '../lib/accounts';
import { deliverabilityOption } from '../lib/deliverability';
import { latest } from '../lib/resource';
import { canEdit, teamName } from '../lib/session';
import { Activity } from './account/Activity';
import { DefaultDialog } from './account/DefaultDialog';
import { OAuthCard, oauthOf } from './account/OAuthCard';
import { StageDialog } from './account/StageDialog';
import { Traffic } from './account/Traffic';
import { VerificationCard } from './account/VerificationCard';

/** How often the page reloads the account (health, last send and fetch, timeline) while it is visible. */
const REFRESH_MS = 10_000;

/** One account as widgets, with every action an admin takes on it. */
export default function AccountDetails() {
  const params = useParams<{ id: string }>();
  const [account, { mutate, refetch }] = createResource(() => params.id, getAccount);
  const [version, setVersion] = createSignal(0);
  const [stageTarget, setStageTarget] = createSignal<Stage | null>(null);
  const [defaultOpen, setDefaultOpen] = createSignal(false);
  const [testing, setTesting] = createSignal<Direction | null>(null);
  const [result, setResult] = createSignal<ConnectionTestResult>();
  const [testError, setTestError] = createSignal<unknown>();

  // After any action: reload the account and the activity stream.
  const changed = (a?: AccountView) => {
    if (a) mutate(a);
    else void refetch();
    setVersion((v) => v + 1);
  };
  // Sends and polls change health behind the admin's back: keep what the page says current while it is seen.
  onMount(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && !testing()) changed();
    }, REFRESH_MS);
    onCleanup(() => clearInterval(timer));
  });

  async function runTest(direction: Direction) {
    setTesting(direction);
    setResult(undefined);
    setTestError(undefined);
    try {
      setResult(await testAccount(params.id, direction, deliverabilityOption(direction)));
      changed();
    } catch (e) {
      setTestError(e);
    } finally {
      setTesting(null);
    }
  }

  return (
    <>
      <ErrorBanner error={account.error} title="Could not load the account" />
      <Show when={latest(account)}>
        {(a) => (
          <>
            <div class="page-head">
              <div class="titles">
                <div class="crumbs">
                  <A href="/accounts">Mail accounts</A>
                </div>
                <div class="row">
                  <h1>{a().name}</h1>
                  <StageBadge stage={a().stage} reason={a().stageReason} />
                  <HealthBadge health={a().health} reason={a().healthReason} />
                  <For each={a().defaults}>
                    {(d) => (
                      <Badge tone="info" plain>
                        ★ Default {d.direction} · {teamName(d.teamId)}
                      </Badge>
                    )}
                  </For>
                </div>
                <p>{a().label ?? a().outgoing?.from.address ?? ''}</p>
              </div>
              <Show when={canEdit()}>
                <div class="actions">
                  <Show when={a().stage !== 'deleted'}>
                    <A class="btn" href={`/accounts/${a().id}/edit`}>
                      <Icon name="edit" /> Edit
                    </A>
                  </Show>
                  <Show when={a().stage === 'active'}>
                    <button type="button" class="btn" onClick={() => setDefaultOpen(true)}>
                      <Icon name="star" /> Make default
                    </button>
                    <button type="button" class="btn" onClick={() => setStageTarget('inactive')}>
                      Deactivate
                    </button>
                  </Show>
                  <Show when={a().stage === 'inactive'}>
                    <button type="button" class="btn primary" onClick={() => setStageTarget('active')}>
                      Activate
                    </button>
                  </Show>
                  <Show
                    when={a().stage === 'deleted'}
                    fallback={
                      <button type="button" class="btn danger" onClick={() => setStageTarget('deleted')}>
                        Delete
                      </button>
                    }
                  >
                    <button type="button" class="btn primary" onClick={() => setStageTarget('inactive')}>
                      Restore
                    </button>
                  </Show>
                </div>
              </Show>
            </div>

            <Show when={oauthOf(a())}>
              <section class="card" aria-labelledby="oauth-title" style={{ 'margin-bottom': '14px' }}>
                <header>
                  <h2 id="oauth-title">Sign-in</h2>
                </header>
                <div class="body">
                  <OAuthCard account={a()} canEdit={canEdit()} onChanged={() => changed()} />
                </div>
              </section>
            </Show>
            <div class="widgets">
              <Widget title="Details">
                <DetailsProps a={a()} team={teamName(a().teamId)} />
              </Widget>
              <Widget title="Health and last test">
                <div class="stack">
                  <HealthProps a={a()} />
                  <Show when={canEdit() && a().stage !== 'deleted'}>
                    <div class="actions">
                      <For each={directionsOf(a())}>
                        {(d) => (
                          <button type="button" class="btn" disabled={!!testing()} onClick={() => runTest(d)}>
                            <Icon name="plug" /> Test {d} connection
                          </button>
                        )}
                      </For>
                    </div>
                    <Show when={a().outgoing}>
                      <DeliverabilityToggle />
                    </Show>
                  </Show>
                  <ErrorBanner error={testError()} title="The test could not run" />
                  <StepList result={result()} running={!!testing()} label={testing() ?? undefined} />
                </div>
              </Widget>
              <Traffic account={a()} onChanged={() => changed()} />
              <Show when={a().outgoing}>
                {(o) => (
                  <Widget title="Outgoing">
                    <OutgoingProps o={o()} />
                  </Widget>
                )}
              </Show>
              <Show when={a().incoming}>
                {(i) => (
                  <Widget title="Incoming">
                    <IncomingProps i={i()} />
                  </Widget>
                )}
              </Show>
              <Show when={a().outgoing}>
                {(o) => (
                  <VerificationCard
                    account={a()}
                    outgoing={o()}
                    version={version()}
                    onChanged={() => changed()}
                  />
                )}
              </Show>
              <Activity accountId={a().id} version={version()} />
            </div>

            <StageDialog
              account={a()}
              target={stageTarget()}
              onClose={() => setStageTarget(null)}
              onDone={(x) => {
                setStageTarget(null);
                changed(x);
              }}
            />
            <DefaultDialog
              account={a()}
              open={defaultOpen()}
              onClose={() => setDefaultOpen(false)}
              onDone={() => changed()}
            />
          </>
        )}
      </Show>
    </>
  );
}
