import type { Ctx } from '../context';
import { MailroomError, parseInput } from '../errors';
import { newId } from '../ids';
import { type BulkResult, bulkInputSchema } from '../schemas/messages';
import { markSuppressed, recordSuppressedAtSend } from '../suppressions/atSend';
import { insertRows } from './insertBatcher';
import { assertCanSend, newMessageRow, routeSend, sendFields } from './store';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]{1,64})\s*\}\}/g;
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Fills `{{name}}` from the recipient's variables (`{{email}}` is the recipient); HTML gets escaped values. */
export function fillTemplate(template: string, vars: Record<string, string>, html = false): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return html ? escapeHtml(v) : v;
  });
}

/**
 * Queues one message per recipient from one template, in one transaction: all are stored or none.
 * Every recipient's `{{variables}}` fill the subject, text and html. Answers 202 with the ids.
 */
export async function sendBulk({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<BulkResult> {
  const bulk = parseInput(bulkInputSchema, input);
  assertCanSend(ctx);
  // A placeholder left unfilled is almost always a typo: refuse rather than mail "Dear {{nmae}}".
  const used = new Set(
    [...`${bulk.subject}\n${bulk.text ?? ''}\n${bulk.html ?? ''}`.matchAll(PLACEHOLDER)].map((m) => m[1]!),
  );
  const errors = bulk.recipients.flatMap((r, i) =>
    [...used]
      .filter((name) => name !== 'email' && r.variables[name] === undefined)
      .map((name) => ({
        path: `recipients.${i}.variables.${name}`,
        message: 'is used in the template but missing',
      })),
  );
  if (errors.length > 0) {
    throw new MailroomError('validation_failed', `${errors[0]!.path} ${errors[0]!.message}`, {
      errors: errors.slice(0, 50),
    });
  }
  const route = await routeSend(ctx, bulk);
  const { from, replyTo } = sendFields(route, bulk.replyTo);
  const bulkId = newId();
  const rows = bulk.recipients.map((r) => {
    const vars = { email: r.to, ...r.variables };
    return newMessageRow(
      ctx,
      route,
      {
        from,
        to: [r.to],
        cc: r.cc,
        bcc: r.bcc,
        replyTo,
        subject: fillTemplate(bulk.subject, vars),
        text: bulk.text === undefined ? undefined : fillTemplate(bulk.text, vars),
        html: bulk.html === undefined ? undefined : fillTemplate(bulk.html, vars, true),
        headers: bulk.headers,
        attachments: bulk.attachments,
        mode: 'queued',
        teamId: bulk.teamId,
      },
      { bulkId },
    );
  });
  // Recipients on the suppression list are left out; a message with none left is stored failed, not sent.
  const suppressed = await markSuppressed(ctx, rows);
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) await insertRows(tx, rows.slice(i, i + 500));
    await recordSuppressedAtSend(tx, suppressed, ctx.now());
  });
  if (suppressed.length > 0) {
    await ctx.log({
      source: 'outgoing',
      level: 'info',
      message: `Bulk ${bulkId}: suppressed recipients left out of ${suppressed.length} message(s)`,
      accountId: route.account.id,
      context: { bulkId, suppressed: suppressed.flatMap((s) => s.addresses).slice(0, 100) },
    });
  }
  ctx.outbox.wake.notify();
  return {
    bulkId,
    accountId: route.account.id,
    route: { reason: route.reason, explanation: route.explanation },
    sendAs: route.sendAs,
    count: rows.length,
    items: rows.map((r) => ({ id: r.id!, to: r.to[0]!, status: r.status })),
  };
}
