import type { MessageView, RecipientEvent, RecipientResult } from '@mailroom/core/schemas';
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { Badge } from '../../components/Badges';
import { dateTimeSec, humanize } from '../../lib/format';

const tone: Record<string, string> = {
  accepted: 'ok',
  delivered: 'ok',
  pending: 'info',
  deferred: 'warn',
  rejected: 'bad',
  bounced: 'bad',
  complained: 'bad',
  suppressed: 'warn',
  auto_reply: '',
};

/** A recipient's state as a person says it: "Bounced (hard, 5.1.1)", "Suppressed (complaint)". */
export function stateText(r: Pick<RecipientResult, 'status' | 'bounceKind' | 'statusCode' | 'suppression'>) {
  if (r.status === 'bounced') return `Bounced (${[r.bounceKind, r.statusCode].filter(Boolean).join(', ')})`;
  if (r.status === 'suppressed' && r.suppression) return `Suppressed (${humanize(r.suppression.reason)})`;
  return humanize(r.status);
}

function eventText(e: RecipientEvent): string {
  if (e.state === 'bounced') return `Bounced (${[e.bounceKind, e.status].filter(Boolean).join(', ')})`;
  if (e.state === 'auto_reply') return 'Auto-reply';
  return humanize(e.state);
}

const via: Record<RecipientEvent['correlation'], string> = {
  verp: 'by its VERP return path',
  headers: 'by the returned headers',
  send: '',
};

/**
 * Each recipient with its story: the server's answer at the send, then what came back after the 250 (a
 * delivery report, a bounce with its status, diagnostic and reporting server, a complaint), each step
 * linked to the report in the bounce mailbox.
 */
export function RecipientStories(props: { m: MessageView }) {
  const cancelled = (r: RecipientResult) =>
    props.m.status === 'cancelled' && (r.status === 'pending' || r.status === 'deferred');
  return (
    <ul class="stories" aria-label="Recipients">
      <For each={props.m.recipients}>
        {(r) => (
          <li class="story">
            <div class="story-head">
              <span class="mono">{r.address}</span>
              <Badge tone={cancelled(r) ? '' : tone[r.status]}>
                {cancelled(r) ? 'Not sent (cancelled)' : stateText(r)}
              </Badge>
            </div>
            <ol class="story-steps">
              <Show when={r.status !== 'suppressed' && r.status !== 'pending' && r.reply}>
                <li>
                  <span class="when">{props.m.sentAt ? dateTimeSec(props.m.sentAt) : 'At the send'}</span>
                  <span>
                    Server answered <span class="mono">{r.reply}</span>
                  </span>
                </li>
              </Show>
              <For each={r.events ?? []}>
                {(e) => (
                  <li>
                    <span class="when">{dateTimeSec(e.at)}</span>
                    <span>
                      <Badge tone={tone[e.state]} plain>
                        {eventText(e)}
                      </Badge>{' '}
                      <Show when={e.diagnostic}>
                        <span class="mono">{e.diagnostic}</span>{' '}
                      </Show>
                      <span class="muted">
                        <Show when={e.reportingMta}>reported by {e.reportingMta}, </Show>
                        <Show when={e.correlation !== 'send'}>tied {via[e.correlation]}</Show>
                        <Show when={e.inboxMessageId}>
                          {' · '}
                          <A href={`/inbox/${e.inboxMessageId}`}>the report</A>
                        </Show>
                      </span>
                    </span>
                  </li>
                )}
              </For>
            </ol>
          </li>
        )}
      </For>
    </ul>
  );
}
