import { and, desc, eq, inArray, or } from 'drizzle-orm';
import type { Classification } from '../bounces';
import type { Ctx, LogInput } from '../context';
import type { Tx } from '../db/client';
import { accounts, messages, recipientEvents } from '../db/schema';
import type { StoredRecipient } from '../db/schema/messages';
import { newId } from '../ids';
import { isLost, isReached } from '../outbox/decide';
import type { MessageRow } from '../outbox/rows';
import type { BounceKind, RecipientStatus } from '../schemas/messages';
import type { SuppressionReason } from '../schemas/suppressions';
import { automaticScope, suppressAddresses } from '../suppressions/suppressAddress';
import { normalAddress } from '../suppressions/view';
import { emitEvents } from '../webhooks';
import { type Correlated, correlate, matchRecipients } from './correlate';

/** One recipient's new step, as a report gives it. */
type Step = {
  address: string;
  state: 'delivered' | 'bounced' | 'complained' | 'auto_reply';
  bounceKind: BounceKind | null;
  status: string | null;
  diagnostic: string | null;
  reportingMta: string | null;
  remoteMta: string | null;
};

export type ReportOutcome = {
  kind: Classification['kind'];
  /** The message it was tied to, and how; null when it names none of ours. */
  messageId: string | null;
  correlation: 'verp' | 'headers' | null;
  /** Recipients whose story got a step. */
  recipients: Array<{
    address: string;
    state: Step['state'];
    bounceKind: BounceKind | null;
    status: string | null;
  }>;
  /** Addresses this report put on the suppression list, with why. */
  suppressed: Array<{ address: string; reason: SuppressionReason }>;
  /** Main Log rows to write once committed. */
  logs: LogInput[];
};

/**
 * Applies a classified report from a bounce mailbox: ties it to the message it is about (VERP token, else
 * the returned Message-ID), then in one transaction adds a step to each recipient's story, updates the
 * recipient's state and the message's status (mixed outcomes: partially_sent), puts hard-bounced and
 * complaining addresses on the suppression list (soft bounces after `softBounceLimit` in a row), and
 * records `message.bounced` / `message.complained` webhook events. Auto-replies only add a step.
 */
export async function applyReport(
  ctx: Ctx,
  c: Classification,
  source: { inboxMessageId: string | null; accountId: string | null },
): Promise<ReportOutcome> {
  const none: ReportOutcome = {
    kind: c.kind,
    messageId: null,
    correlation: null,
    recipients: [],
    suppressed: [],
    logs: [],
  };
  if (c.kind === 'other') return none;
  const out = await ctx.db.transaction(async (tx) => {
    const found = await correlate(ctx, tx, {
      verpToken: c.kind === 'auto_reply' ? null : c.verpToken,
      originalMessageId: c.originalMessageId,
    });
    if (!found || !(await mayReportOn(tx, source.accountId, found.row))) return null;
    const steps = stepsOf(c, found);
    if (steps.length === 0) return { found, applied: [], suppressed: [], scope: null };
    return { found, ...(await applySteps(ctx, tx, found, steps, c, source)) };
  });
  if (!out) {
    return {
      ...none,
      logs:
        c.kind === 'auto_reply'
          ? []
          : [
              {
                source: 'incoming',
                level: 'warning',
                // The same words whether it names no message or another team's: not an oracle for their ids.
                message: `A ${c.kind} fetched from the bounce mailbox names no message Mailroom sent that this mailbox reports on (no valid VERP token, no Message-ID of ours, or not of the mailbox's team): kept, nothing changed`,
                accountId: source.accountId,
                // The report itself (its Message-ID, which may be another team's message) is read through
                // the inbox, which shows it to those who may read it (incoming/inbox.ts scopeOfMail).
                context: { inboxMessageId: source.inboxMessageId },
              },
            ],
    };
  }
  const { found, applied, suppressed, scope } = out;
  const logs: LogInput[] = applied.map((s) => ({
    source: 'outgoing',
    level: s.state === 'bounced' && s.bounceKind === 'hard' ? 'warning' : 'info',
    message: `Message ${found.row.id}: ${s.address} ${describe(s)}`,
    accountId: found.row.accountId,
    context: {
      messageId: found.row.id,
      recipient: s.address,
      state: s.state,
      bounceKind: s.bounceKind,
      status: s.status,
      diagnostic: s.diagnostic,
      reportingMta: s.reportingMta,
      correlation: found.via,
      inboxMessageId: source.inboxMessageId,
    },
  }));
  for (const s of suppressed) {
    logs.push({
      source: 'outgoing',
      level: 'info',
      message: `${s.address} added to the ${scope ? "team's " : ''}suppression list (${s.reason.replace(/_/g, ' ')}) after message ${found.row.id}`,
      accountId: found.row.accountId,
      context: { messageId: found.row.id, address: s.address, reason: s.reason, teamId: scope },
    });
  }
  return {
    kind: c.kind,
    messageId: found.row.id,
    correlation: found.via,
    recipients: applied.map((s) => ({
      address: s.address,
      state: s.state,
      bounceKind: s.bounceKind,
      status: s.status,
    })),
    suppressed,
    logs,
  };
}

/**
 * A team's bounce mailbox reports on that team's messages only: anyone can mail it, and its team can point
 * it anywhere. A system bounce mailbox (no team), or a report applied by no mailbox, reports on any message.
 */
async function mayReportOn(tx: Tx, accountId: string | null, row: MessageRow): Promise<boolean> {
  if (!accountId) return true;
  const [mailbox] = await tx
    .select({ teamId: accounts.teamId })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  if (!mailbox) return false;
  return mailbox.teamId === null || mailbox.teamId === row.teamId;
}

function describe(s: Step): string {
  const code = s.status ? ` ${s.status}` : '';
  const why = s.diagnostic ? `: ${s.diagnostic.slice(0, 300)}` : '';
  switch (s.state) {
    case 'delivered':
      return `delivered (a delivery report said so)${why}`;
    case 'complained':
      return 'complained (marked the message as spam)';
    case 'auto_reply':
      return 'answered with an auto-reply';
    default:
      return `bounced (${s.bounceKind}${code})${why}`;
  }
}

/** The recipients' steps a report gives, matched to the message's recipients. */
function stepsOf(c: Exclude<Classification, { kind: 'other' }>, found: Correlated): Step[] {
  if (c.kind === 'bounce') {
    return matchRecipients(found, c.recipients).flatMap(({ index, reportIndex }) => {
      const r = c.recipients[reportIndex];
      if (!r) return [];
      return [
        {
          address: found.row.recipients[index]!.address,
          state: r.kind === 'delivered' ? 'delivered' : 'bounced',
          bounceKind: r.kind === 'delivered' ? null : r.kind,
          status: r.status,
          diagnostic: r.diagnostic,
          reportingMta: c.reportingMta,
          remoteMta: r.remoteMta,
        } satisfies Step,
      ];
    });
  }
  if (c.kind === 'complaint') {
    return matchRecipients(
      found,
      c.recipients.map((address) => ({ address })),
    ).map(({ index }) => ({
      address: found.row.recipients[index]!.address,
      state: 'complained',
      bounceKind: null,
      status: null,
      diagnostic: `Feedback-Type: ${c.feedbackType}`,
      reportingMta: c.reportingMta ?? null,
      remoteMta: null,
    }));
  }
  return matchRecipients(found, c.from ? [{ address: c.from }] : [])
    .filter(({ reportIndex }) => reportIndex >= 0)
    .map(({ index }) => ({
      address: found.row.recipients[index]!.address,
      state: 'auto_reply',
      bounceKind: null,
      status: null,
      diagnostic: `Auto-reply (${c.reason.replace(/_/g, ' ')})`,
      reportingMta: null,
      remoteMta: null,
    }));
}

/**
 * The state a step leaves a recipient in. A report never undoes a stronger one: a delay after a delivery or a
 * bounce changes nothing, a delivery does not undo a complaint, an auto-reply changes no state.
 */
function nextState(r: StoredRecipient, s: Step): { status: RecipientStatus; bounceKind?: BounceKind } | null {
  if (s.state === 'auto_reply') return null;
  if (r.status === 'suppressed' || r.status === 'pending' || r.status === 'deferred') return null;
  if (s.state === 'complained') return { status: 'complained' };
  if (s.state === 'delivered') return r.status === 'complained' ? null : { status: 'delivered' };
  if (
    s.bounceKind === 'delayed' &&
    (r.status === 'delivered' || r.status === 'bounced' || r.status === 'complained')
  )
    return null;
  if (r.status === 'complained') return null;
  return { status: 'bounced', bounceKind: s.bounceKind ?? 'hard' };
}

/** The message's status once recipients' states moved after the 250 (only for a message the outbox is done with). */
export function statusAfterReports(row: MessageRow, recipients: StoredRecipient[]): MessageRow['status'] {
  if (row.status !== 'sent' && row.status !== 'partially_sent') return row.status;
  const reached = recipients.some((r) => isReached(r.status));
  const lost = recipients.some((r) => isLost(r.status));
  if (!reached) return 'failed';
  return lost ? 'partially_sent' : 'sent';
}

async function applySteps(
  ctx: Ctx,
  tx: Tx,
  found: Correlated,
  steps: Step[],
  c: Exclude<Classification, { kind: 'other' }>,
  source: { inboxMessageId: string | null },
): Promise<{
  applied: Step[];
  suppressed: Array<{ address: string; reason: SuppressionReason }>;
  scope: string | null;
}> {
  const now = ctx.now();
  const row = found.row;
  const byAddress = new Map(steps.map((s) => [s.address.toLowerCase(), s]));
  const recipients = row.recipients.map((r) => {
    const s = byAddress.get(r.address.toLowerCase());
    const next = s ? nextState(r, s) : null;
    if (!s || !next) return r;
    const { bounceKind: _k, statusCode: _c, diagnostic: _d, reportingMta: _m, at: _a, ...rest } = r;
    return {
      ...rest,
      status: next.status,
      ...(next.bounceKind ? { bounceKind: next.bounceKind } : {}),
      ...(s.status ? { statusCode: s.status } : {}),
      ...(s.diagnostic ? { diagnostic: s.diagnostic } : {}),
      ...(s.reportingMta ? { reportingMta: s.reportingMta } : {}),
      at: now.toISOString(),
    } satisfies StoredRecipient;
  });
  const status = statusAfterReports(row, recipients);
  await tx.update(messages).set({ recipients, status, updatedAt: now }).where(eq(messages.id, row.id));
  await tx.insert(recipientEvents).values(
    steps.map((s) => ({
      id: newId(),
      messageId: row.id,
      address: normalAddress(s.address),
      state: s.state,
      bounceKind: s.bounceKind,
      status: s.status,
      diagnostic: s.diagnostic,
      reportingMta: s.reportingMta,
      remoteMta: s.remoteMta,
      correlation: found.via,
      inboxMessageId: source.inboxMessageId,
      at: now,
    })),
  );
  // The list: hard bounces and complaints at once; soft bounces once `softBounceLimit` came in a row.
  const wanted: Array<{ address: string; reason: SuppressionReason; detail: string | null }> = [];
  for (const s of steps) {
    // The diagnostic usually quotes the status already ("550 5.1.1 …"): not twice.
    const detail =
      (s.status && s.diagnostic?.includes(s.status)
        ? s.diagnostic
        : [s.status, s.diagnostic].filter(Boolean).join(' ')
      )?.slice(0, 500) || null;
    if (s.state === 'complained') wanted.push({ address: s.address, reason: 'complaint', detail });
    else if (s.state === 'bounced' && s.bounceKind === 'hard')
      wanted.push({ address: s.address, reason: 'hard_bounce', detail });
    else if (s.state === 'bounced' && s.bounceKind === 'soft' && (await softLimitReached(ctx, tx, s.address)))
      wanted.push({ address: s.address, reason: 'soft_bounce_limit', detail });
  }
  // The system list, or the message's team's own when the team keeps its automatic suppressions to itself.
  const scope = wanted.length ? await automaticScope(tx, row.teamId) : null;
  const added = await suppressAddresses(
    tx,
    wanted.map((w) => ({
      address: w.address,
      teamId: scope,
      reason: w.reason,
      source: 'message' as const,
      messageId: row.id,
      detail: w.detail,
      createdBy: 'system',
      at: now,
    })),
  );
  await emitEvents(
    tx,
    steps
      .filter((s) => s.state === 'bounced' || s.state === 'complained')
      .map((s) => ({
        type: s.state === 'bounced' ? ('message.bounced' as const) : ('message.complained' as const),
        teamId: row.teamId,
        at: now,
        data: {
          messageId: row.id,
          accountId: row.accountId,
          recipient: s.address,
          ...(s.state === 'bounced'
            ? {
                bounceKind: s.bounceKind,
                status: s.status,
                diagnostic: s.diagnostic,
                reportingMta: s.reportingMta,
              }
            : { feedbackType: c.kind === 'complaint' ? c.feedbackType : null }),
          messageStatus: status,
          suppressed: added.some((a) => a.address === normalAddress(s.address)),
        },
      })),
  );
  return {
    applied: steps,
    suppressed: added.map((a) => ({ address: a.address, reason: a.reason })),
    scope,
  };
}

/**
 * True when the address's last `softBounceLimit` outcomes after the 250 (delivered or bounced, across
 * messages) are all soft bounces: a delivery or a hard bounce in between starts the count again.
 */
async function softLimitReached(ctx: Ctx, tx: Tx, address: string): Promise<boolean> {
  const limit = ctx.config.softBounceLimit;
  if (limit <= 0) return false;
  const last = await tx
    .select({ state: recipientEvents.state, bounceKind: recipientEvents.bounceKind })
    .from(recipientEvents)
    .where(
      and(
        eq(recipientEvents.address, normalAddress(address)),
        or(
          eq(recipientEvents.state, 'delivered'),
          and(eq(recipientEvents.state, 'bounced'), inArray(recipientEvents.bounceKind, ['soft', 'hard'])),
        ),
      ),
    )
    .orderBy(desc(recipientEvents.at), desc(recipientEvents.id))
    .limit(limit);
  return last.length >= limit && last.every((e) => e.state === 'bounced' && e.bounceKind === 'soft');
}
