import type { Health, MessageStatus, Stage } from '@mailroom/core/schemas';
import { humanize } from '../lib/format';

const stageTone: Record<Stage, string> = { active: 'ok', inactive: '', deleted: 'bad' };
const healthTone: Record<Health, string> = {
  unknown: '',
  ok: 'ok',
  degraded: 'warn',
  failing: 'bad',
  auth_failed: 'bad',
};
const statusTone: Record<MessageStatus, string> = {
  queued: 'info',
  sending: 'info',
  sent: 'ok',
  // Not green: some recipients never got it.
  partially_sent: 'warn',
  deferred: 'warn',
  failed: 'bad',
  cancelled: '',
};

/** A coloured pill; `tone` picks the colour, the text always says the state (never colour alone). */
export function Badge(props: { tone?: string; plain?: boolean; title?: string; children: unknown }) {
  return (
    <span class={`badge ${props.tone ?? ''} ${props.plain ? 'plain' : ''}`} title={props.title}>
      {props.children as string}
    </span>
  );
}

export const StageBadge = (props: { stage: Stage; reason?: string | null }) => (
  <Badge tone={stageTone[props.stage]} title={props.reason ?? undefined}>
    {humanize(props.stage)}
  </Badge>
);

export const HealthBadge = (props: { health: Health; reason?: string | null }) => (
  <Badge tone={healthTone[props.health]} title={props.reason ?? undefined}>
    {props.health === 'auth_failed' ? 'Auth failed' : humanize(props.health)}
  </Badge>
);

export const StatusBadge = (props: { status: MessageStatus }) => (
  <Badge tone={statusTone[props.status]}>{humanize(props.status)}</Badge>
);
