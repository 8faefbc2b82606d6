import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { accounts, messages } from '../db/schema';
import type { MessageRow } from '../outbox/rows';
import { readToken, verpBase } from '../outbox/verp';

export type Correlated = {
  row: MessageRow;
  /** `verp`: the return path's token named the message (and `recipientIndex`); `headers`: its Message-ID did. */
  via: 'verp' | 'headers';
  recipientIndex?: number;
};

/** Mailroom's Message-IDs are `<message id@domain>`: the returned header names the row directly. */
const OUR_MESSAGE_ID = /^<?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^>]+>?$/i;

/**
 * The message a report is about, locked for the caller's transaction: by the VERP token (its MAC checked:
 * a token cannot be edited into another message's), else by the Message-ID the report returned.
 */
export async function correlate(
  ctx: Ctx,
  q: Queryable,
  report: { verpToken?: string | null; originalMessageId: string | null },
): Promise<Correlated | null> {
  const target = report.verpToken ? readToken(ctx.secrets, report.verpToken) : null;
  if (target) {
    const row = await lockMessage(q, target.messageId);
    if (row && target.recipientIndex < row.recipients.length)
      return { row, via: 'verp', recipientIndex: target.recipientIndex };
  }
  const id = report.originalMessageId?.trim().match(OUR_MESSAGE_ID)?.[1]?.toLowerCase();
  if (!id) return null;
  const row = await lockMessage(q, id);
  // The whole header must be ours, not just a UUID someone put in front of another domain.
  if (!row || row.messageId?.toLowerCase() !== normalId(report.originalMessageId!)) return null;
  // Every recipient saw the Message-ID: where the account sends with VERP, reports come back to the
  // return path's token, and one naming only the Message-ID may be a recipient's forgery about another.
  if (row.accountId) {
    const [account] = await q.select().from(accounts).where(eq(accounts.id, row.accountId));
    if (verpBase(account)) return null;
  }
  return { row, via: 'headers' };
}

const normalId = (v: string) => {
  const t = v.trim().toLowerCase();
  return t.startsWith('<') ? t : `<${t}>`;
};

async function lockMessage(q: Queryable, id: string): Promise<MessageRow | undefined> {
  const [row] = await q.select().from(messages).where(eq(messages.id, id)).for('update');
  return row;
}

/**
 * Which recipients of the message each reported address is: by address, else the VERP token's recipient.
 * A VERP token speaks for its own recipient only: every recipient learns their return path, so a report
 * on it naming another recipient of the message (a forged DSN) changes nobody else's story.
 */
export function matchRecipients(
  c: Correlated,
  reported: Array<{ address: string; originalRecipient?: string | null | undefined }>,
): Array<{ index: number; reportIndex: number }> {
  const byAddress = new Map(
    c.row.recipients
      .map((r, i) => [r.address.toLowerCase(), i] as const)
      .filter(([, i]) => c.recipientIndex === undefined || i === c.recipientIndex),
  );
  const out: Array<{ index: number; reportIndex: number }> = [];
  const seen = new Set<number>();
  reported.forEach((r, reportIndex) => {
    const named =
      byAddress.get(r.address.toLowerCase()) ??
      (r.originalRecipient ? byAddress.get(r.originalRecipient.toLowerCase()) : undefined);
    // A VERP token speaks for its own recipient only: every recipient learns their return path, so a
    // report on it naming another recipient of the same message is not believed for that one. A forward
    // or an alias that changed the address is still the token's recipient.
    const i =
      c.recipientIndex === undefined
        ? named
        : named === c.recipientIndex || (named === undefined && reported.length === 1)
          ? c.recipientIndex
          : undefined;
    if (i === undefined || seen.has(i)) return;
    seen.add(i);
    out.push({ index: i, reportIndex });
  });
  if (out.length === 0 && reported.length === 0 && c.recipientIndex !== undefined)
    out.push({ index: c.recipientIndex, reportIndex: -1 });
  return out;
}
