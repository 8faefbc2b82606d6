import type { AccountView, IncomingView, OutgoingView } from '@mailroom/core/schemas';
import { authText, outgoingSummary, securityText, transportLabel } from '@mailroom/core/summaries';
import { For, type JSX, Show } from 'solid-js';
import { dateTime, humanize, ms, relTime } from '../../lib/format';
import { afterFetchLabels, errorLabel, purposeLabels } from '../../lib/labels';
import { Badge, HealthBadge, StageBadge } from '../Badges';
import { FailureMessage } from '../FailureMessage';

/** A titled card; `actions` sit at the right of the title. */
export function Widget(props: {
  title: string;
  actions?: JSX.Element;
  children: JSX.Element;
  class?: string;
}) {
  const id = `w-${props.title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section class={`card ${props.class ?? ''}`} aria-labelledby={id}>
      <header>
        <h2 id={id}>{props.title}</h2>
        {props.actions}
      </header>
      <div class="body">{props.children}</div>
    </section>
  );
}

const Dash = () => <span class="muted">—</span>;

export function DetailsProps(props: { a: AccountView; team: string }) {
  return (
    <dl class="props">
      <dt>Name</dt>
      <dd>{props.a.name}</dd>
      <dt>Label</dt>
      <dd>{props.a.label ?? <Dash />}</dd>
      <dt>Purpose</dt>
      <dd>{purposeLabels[props.a.purpose]}</dd>
      <dt>Team</dt>
      <dd>{props.team}</dd>
      <dt>Stage</dt>
      <dd class="row">
        <StageBadge stage={props.a.stage} />
        <Show when={props.a.stageReason}>
          <span class="muted">{props.a.stageReason}</span>
        </Show>
      </dd>
      <dt>Debug log</dt>
      <dd>{props.a.debug ? 'On' : 'Off'}</dd>
      <dt>Created</dt>
      <dd>
        {dateTime(props.a.createdAt)} <span class="muted">by {props.a.createdBy ?? 'system'}</span>
      </dd>
      <dt>Updated</dt>
      <dd>
        {dateTime(props.a.updatedAt)} <span class="muted">by {props.a.updatedBy ?? 'system'}</span>
      </dd>
    </dl>
  );
}

/** An outgoing part: its transport's own rows (each transport summarises itself), then the common ones. */
export function OutgoingProps(props: { o: OutgoingView }) {
  const o = () => props.o;
  return (
    <dl class="props">
      <dt>Transport</dt>
      <dd>{transportLabel(o().transport)}</dd>
      <For each={outgoingSummary(o()).rows}>
        {(row) => (
          <>
            <dt>{row.label}</dt>
            <dd class={row.mono ? 'mono' : undefined}>{row.value}</dd>
          </>
        )}
      </For>
      <dt>From</dt>
      <dd>{o().from.name ? `${o().from.name} <${o().from.address}>` : o().from.address}</dd>
      <dt>Reply-To</dt>
      <dd>{o().replyTo ?? <Dash />}</dd>
      <dt>Sends as</dt>
      <dd>
        {o().fromFilter.length ? o().fromFilter.join(', ') : 'Any From (empty list)'}
        <Show when={o().fromFilter.length}>
          <div class="muted" style={{ 'font-size': '12.5px' }}>
            Another From is{' '}
            {o().fromNotAllowed === 'rewrite'
              ? `sent from ${o().from.address} with it as Reply-To`
              : 'refused'}
          </div>
        </Show>
      </dd>
      <dt>Send mode</dt>
      <dd>
        {humanize(o().sendMode)}
        {o().rateLimitPerMinute ? ` · max ${o().rateLimitPerMinute}/min` : ''}
      </dd>
      <dt>Bounces</dt>
      <dd>
        {o().bounceAddress ? (
          <>
            VERP to <span class="mono">{o().bounceAddress}</span>
          </>
        ) : (
          'No VERP (matched by returned headers)'
        )}
      </dd>
      <dt>DKIM</dt>
      <dd>
        {o().dkim?.enabled ? (
          <>
            Signs with <span class="mono">{`${o().dkim!.selector}._domainkey.${o().dkim!.domain}`}</span>
            {o().dkim!.privateKeySet ? '' : ' (no key stored)'}
          </>
        ) : (
          'Not signed by Mailroom'
        )}
      </dd>
    </dl>
  );
}

export function IncomingProps(props: { i: IncomingView }) {
  const i = () => props.i;
  return (
    <dl class="props">
      <dt>Protocol</dt>
      <dd>{i().protocol.toUpperCase()}</dd>
      <dt>Server</dt>
      <dd class="mono">
        {i().host}:{i().port}
      </dd>
      <dt>Security</dt>
      <dd>{securityText(i().security)}</dd>
      <dt>Authentication</dt>
      <dd>{authText(i().auth)}</dd>
      <Show when={i().protocol === 'imap'}>
        <dt>Mailbox</dt>
        <dd>{i().mailbox}</dd>
      </Show>
      <dt>Polling</dt>
      <dd>{i().enabled ? `every ${i().pollIntervalSec} s` : 'off'}</dd>
      <dt>After fetch</dt>
      <dd>{afterFetchLabels[i().afterFetch]}</dd>
      <Show when={i().bounceMailbox}>
        <dt>Bounce mailbox</dt>
        <dd>Bounces, complaints and auto-replies update the recipients of sent mail</dd>
      </Show>
    </dl>
  );
}

/** Health now and the last stored test per direction. */
export function HealthProps(props: { a: AccountView }) {
  return (
    <dl class="props">
      <dt>Health</dt>
      <dd class="row">
        <HealthBadge health={props.a.health} />
        <Show when={props.a.healthReason}>
          <span class="muted">{props.a.healthReason}</span>
        </Show>
      </dd>
      <For each={Object.values(props.a.lastTest)}>
        {(t) => (
          <>
            <dt>Last {t.direction} test</dt>
            <dd>
              <Badge tone={t.ok ? 'ok' : 'bad'}>
                {t.ok ? 'Passed' : `Failed${t.errorCode ? ` (${errorLabel(t.errorCode)})` : ''}`}
              </Badge>{' '}
              <span class="muted" title={dateTime(t.at)}>
                {relTime(t.at)} · {ms(t.durationMs)}
              </span>
              <Show when={t.message}>
                {(message) => (
                  <FailureMessage
                    error={{ code: t.errorCode ?? '', message: message(), detail: t.detail }}
                    class="muted"
                    tight
                  />
                )}
              </Show>
            </dd>
          </>
        )}
      </For>
      <Show when={Object.keys(props.a.lastTest).length === 0}>
        <dt>Last test</dt>
        <dd class="muted">Never tested</dd>
      </Show>
    </dl>
  );
}
