import type { RouteReason } from '../schemas/defaults';
import type { MessageView, RecipientEvent, RecipientResult } from '../schemas/messages';
import type { OutgoingMail } from '../transport/types';
import type { AttemptRow, MessageRow, RecipientEventRow } from './rows';

/** The API's view of a message; `detail` adds bodies, headers, attachment metadata and attempts. */
export function toMessageView(
  row: MessageRow,
  detail?: { attempts: AttemptRow[]; events?: RecipientEventRow[] },
): MessageView {
  const view: MessageView = {
    id: row.id,
    status: row.status,
    mode: row.mode,
    accountId: row.accountId,
    route: { reason: row.routeReason as RouteReason, explanation: row.routeExplanation },
    from: { address: row.fromAddress, ...(row.fromName ? { name: row.fromName } : {}) },
    sendAs: row.sendAs ?? null,
    to: row.to,
    cc: row.cc,
    bcc: row.bcc,
    replyTo: row.replyTo,
    subject: row.subject,
    messageId: row.messageId,
    attemptCount: row.attemptCount,
    nextAttemptAt:
      row.nextAttemptAt && (row.status === 'deferred' || row.status === 'queued')
        ? row.nextAttemptAt.toISOString()
        : null,
    lastError: row.lastError ?? null,
    recipients: row.recipients,
    bulkId: row.bulkId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sentAt: row.sentAt ? row.sentAt.toISOString() : null,
  };
  if (!detail) return view;
  return {
    ...view,
    recipients: withStories(row.recipients, detail.events ?? []),
    text: row.text,
    html: row.html,
    headers: row.headers,
    attachments: row.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: Buffer.byteLength(a.contentBase64.replace(/\s+/g, ''), 'base64'),
    })),
    attempts: detail.attempts.map((a) => ({
      at: a.at.toISOString(),
      durationMs: a.durationMs,
      ok: a.ok,
      reply: a.reply,
      errorCode: a.errorCode,
      responseCode: a.responseCode,
      worker: a.worker,
    })),
  };
}

/** Each recipient with its story after the 250 (events oldest first). */
function withStories(recipients: MessageRow['recipients'], events: RecipientEventRow[]): RecipientResult[] {
  const by = new Map<string, RecipientEvent[]>();
  for (const e of events) {
    const list = by.get(e.address) ?? [];
    list.push({
      state: e.state,
      bounceKind: e.bounceKind,
      status: e.status,
      diagnostic: e.diagnostic,
      reportingMta: e.reportingMta,
      remoteMta: e.remoteMta,
      correlation: e.correlation,
      inboxMessageId: e.inboxMessageId,
      at: e.at.toISOString(),
    });
    by.set(e.address, list);
  }
  return recipients.map((r) => ({ ...r, events: by.get(r.address.toLowerCase()) ?? [] }));
}

/** What a transport sends for a stored message: only recipients still pending go in the envelope. */
export function toOutgoingMail(row: MessageRow): OutgoingMail {
  const pending = row.recipients.filter((r) => r.status === 'pending' || r.status === 'deferred');
  return {
    messageId: row.messageId ?? `<${row.id}@mailroom.invalid>`,
    from: { address: row.fromAddress, name: row.fromName ?? undefined },
    to: row.to,
    cc: row.cc,
    bcc: row.bcc,
    replyTo: row.replyTo ?? undefined,
    subject: row.subject,
    text: row.text ?? undefined,
    html: row.html ?? undefined,
    headers: row.headers,
    attachments: row.attachments,
    envelopeTo: pending.map((r) => r.address),
  };
}
