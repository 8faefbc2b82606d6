import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { newId } from '../ids';
import type { WebhookAnyEventType, WebhookEventData } from '../schemas/webhooks';

export type EmitInput = {
  type: WebhookAnyEventType;
  /** The team the change belongs to (null: system level); team endpoints receive only their team's events. */
  teamId: string | null;
  /** Ids, statuses, recipients: never a secret or a body. */
  data: WebhookEventData;
  /** Only this endpoint (the test event); otherwise every enabled endpoint subscribed to the type. */
  endpointId?: string | undefined;
  /** The event's id, the `webhook-id` of every delivery of it; made here when not given. */
  id?: string | undefined;
  at?: Date | undefined;
};

/**
 * The common table expressions that store the events of a CTE named `webhook_input` (id, type, team_id,
 * data, created_at, endpoint_id): the events some enabled endpoint wants, and one pending delivery per such
 * endpoint. Another statement can end with them (the message insert does), so its rows and their events are
 * one statement; `webhook_ev` holds the ids of the events stored.
 */
export const eventCtes: SQL = sql`
    webhook_targets as (
      select i.id as event_id, w.id as endpoint_id, i.created_at
      from webhook_input i join webhook_endpoints w on w.enabled and (
        case when i.endpoint_id is not null then w.id = i.endpoint_id
        else (w.team_id is null or w.team_id = i.team_id)
          and (w.event_types is null or w.event_types @> jsonb_build_array(i.type)) end)
    ),
    webhook_ev as (
      insert into webhook_events (id, type, team_id, data, created_at)
      select i.id, i.type, i.team_id, i.data, i.created_at from webhook_input i
      where exists (select 1 from webhook_targets t where t.event_id = i.id)
      returning id
    ),
    webhook_dl as (
      insert into webhook_deliveries (id, event_id, endpoint_id, status, next_attempt_at, created_at)
      select gen_random_uuid()::text, t.event_id, t.endpoint_id, 'pending', t.created_at, t.created_at
      from webhook_targets t join webhook_ev on webhook_ev.id = t.event_id
      returning event_id
    )`;

/**
 * Records events in the caller's transaction (a transactional outbox): pass the transaction of the change
 * that caused them, and they exist exactly when the change does. One statement: the event rows and a
 * pending delivery per matching enabled endpoint; an event no endpoint wants is not stored. The dispatcher
 * (`startDispatcher`) delivers them. Returns the ids of the events stored.
 */
export async function emitEvents(q: Queryable, events: readonly EmitInput[]): Promise<string[]> {
  if (events.length === 0) return [];
  const now = new Date();
  const rows: SQL[] = events.map((e) => {
    const at = (e.at ?? now).toISOString();
    return sql`(${e.id ?? newId()}, ${e.type}, ${e.teamId}::text, ${JSON.stringify(e.data)}::jsonb, ${at}::timestamptz, ${e.endpointId ?? null}::text)`;
  });
  const res = await q.execute(sql`
    with webhook_input (id, type, team_id, data, created_at, endpoint_id) as (values ${sql.join(rows, sql`, `)}),
    ${eventCtes}
    select id from webhook_ev`);
  const list = Array.isArray(res) ? res : ((res as { rows?: unknown[] }).rows ?? []);
  return (list as Array<{ id: string }>).map((r) => r.id);
}

/** Records one event in the caller's transaction (see `emitEvents`); the id when an endpoint wants it. */
export async function emitEvent(q: Queryable, event: EmitInput): Promise<string | null> {
  const [id] = await emitEvents(q, [event]);
  return id ?? null;
}
