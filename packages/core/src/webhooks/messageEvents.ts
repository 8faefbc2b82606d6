import type { WebhookEventType } from '../schemas/webhooks';
import type { EmitInput } from './emitEvent';

/** The message fields every `message.*` event names. */
export type MessageFacts = {
  id: string;
  accountId: string | null;
  teamId: string | null;
  messageId: string | null;
  bulkId?: string | null;
  recipients: ReadonlyArray<{ address: string; status: string }>;
};

/**
 * A `message.*` event: ids, status and each recipient's state; never a body, subject, header or secret.
 * `extra` adds what the event is about (the error class of a deferral, the next attempt …).
 */
export function messageEvent(
  type: Extract<WebhookEventType, `message.${string}`>,
  m: MessageFacts,
  status: string,
  extra: Record<string, unknown> = {},
  at?: Date,
): EmitInput {
  return {
    type,
    teamId: m.teamId,
    at,
    data: {
      // The same names as message.bounced / complained / suppressed: messageId is Mailroom's id.
      messageId: m.id,
      status,
      accountId: m.accountId,
      messageIdHeader: m.messageId,
      ...(m.bulkId ? { bulkId: m.bulkId } : {}),
      recipients: m.recipients.map((r) => ({ address: r.address, status: r.status })),
      ...extra,
    },
  };
}
