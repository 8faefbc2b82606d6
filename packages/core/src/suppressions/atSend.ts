import type { Ctx } from '../context';
import type { Queryable } from '../db/client';
import { recipientEvents } from '../db/schema';
import { newId } from '../ids';
import type { MessageRow } from '../outbox/rows';
import { emitEvents } from '../webhooks';
import { suppressedAmong } from './suppressAddress';
import { normalAddress } from './view';

/** What a send found on the list: per message, the recipients it marked `suppressed`. */
export type SuppressedAtSend = Array<{ row: MessageRow; addresses: string[] }>;

/**
 * Marks the recipients of new messages that are on the suppression list (system-wide, or the message's
 * team) as `suppressed`, with the entry's reason, so they are left out of every envelope. A message
 * whose every recipient is suppressed is stored `failed` and never sent. One query for all the rows.
 */
export async function markSuppressed(ctx: Ctx, rows: MessageRow[]): Promise<SuppressedAtSend> {
  const byTeam = new Map<string | null, MessageRow[]>();
  for (const r of rows) byTeam.set(r.teamId, [...(byTeam.get(r.teamId) ?? []), r]);
  const out: SuppressedAtSend = [];
  for (const [teamId, group] of byTeam) {
    const listed = await suppressedAmong(
      ctx.db,
      group.flatMap((r) => r.recipients.map((x) => x.address)),
      teamId,
    );
    if (listed.size === 0) continue;
    for (const row of group) {
      const addresses: string[] = [];
      row.recipients = row.recipients.map((r) => {
        const s = listed.get(normalAddress(r.address));
        if (!s) return r;
        addresses.push(r.address);
        return {
          ...r,
          status: 'suppressed',
          reply: `Not sent: ${r.address} is on the ${s.teamId ? "team's" : 'system'} suppression list (${s.reason.replace(/_/g, ' ')} since ${s.createdAt.toISOString().slice(0, 10)})`,
          suppression: { id: s.id, reason: s.reason, teamId: s.teamId },
        };
      });
      if (addresses.length === 0) continue;
      if (row.recipients.every((r) => r.status === 'suppressed')) {
        row.status = 'failed';
        row.leaseOwner = null;
        row.leaseExpiresAt = null;
        row.nextAttemptAt = null;
        row.lastError = {
          code: 'suppressed',
          message: `Not sent: every recipient is on the suppression list (${addresses.join(', ')})`,
          hint: 'Remove an address from the suppression list (Suppressions) to mail it again.',
        };
      }
      out.push({ row, addresses });
    }
  }
  return out;
}

/** The `suppressed` step of each skipped recipient's story, and a `message.suppressed` event each, once the rows are stored. */
export async function recordSuppressedAtSend(q: Queryable, found: SuppressedAtSend, at: Date): Promise<void> {
  if (found.length === 0) return;
  const events = found.flatMap(({ row, addresses }) =>
    addresses.map((address) => {
      const r = row.recipients.find((x) => x.address === address);
      return {
        id: newId(),
        messageId: row.id,
        address: normalAddress(address),
        state: 'suppressed' as const,
        bounceKind: null,
        status: null,
        diagnostic: r?.reply ?? null,
        reportingMta: null,
        remoteMta: null,
        correlation: 'send' as const,
        inboxMessageId: null,
        at,
      };
    }),
  );
  await q.insert(recipientEvents).values(events);
  await emitEvents(
    q,
    found.flatMap(({ row, addresses }) =>
      addresses.map((address) => {
        const r = row.recipients.find((x) => x.address === address);
        return {
          type: 'message.suppressed' as const,
          teamId: row.teamId,
          at,
          data: {
            messageId: row.id,
            accountId: row.accountId,
            recipient: address,
            reason: r?.suppression?.reason ?? null,
            suppressionId: r?.suppression?.id ?? null,
            messageStatus: row.status,
          },
        };
      }),
    ),
  );
}
