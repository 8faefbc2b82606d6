import type { EmitInput } from './emitEvent';

/**
 * `inbound.received`: a fetched message was stored. Ids and addresses only; the subject and the body are
 * read through the API (`GET /api/v1/inbox/:id`) by whoever may.
 */
export function inboundEvent(
  account: { id: string; teamId: string | null },
  id: string,
  mail: { messageIdHeader: string | null; fromAddress: string | null; to: string[]; cc: string[] },
  mailbox: string | null,
  at: Date,
): EmitInput {
  return {
    type: 'inbound.received',
    teamId: account.teamId,
    at,
    data: {
      inboxMessageId: id,
      accountId: account.id,
      messageIdHeader: mail.messageIdHeader,
      from: mail.fromAddress,
      to: mail.to,
      cc: mail.cc,
      mailbox,
      fetchedAt: at.toISOString(),
    },
  };
}
