import { addTimelineEvent } from '../accounts/timeline';
import { type Classification, classifyMessage, parseVerp } from '../bounces';
import type { Ctx } from '../context';
import { readToken } from '../outbox/verp';
import { applyReport, type ReportOutcome } from './applyReport';

/** What a bounce mailbox stores a fetched message as: `mail` is listed in the inbox, the others are not. */
export type InboxKind = 'mail' | 'bounce' | 'complaint' | 'auto_reply';

/**
 * Classifies a message a bounce mailbox fetched (bounces/classifyMessage): an address it came back to
 * counts as a VERP return path only when its token's MAC holds. A message the classifier cannot read is
 * ordinary mail: it goes to the inbox as before.
 */
export async function classifyFetched(ctx: Ctx, raw: Buffer): Promise<Classification> {
  try {
    return await classifyMessage(raw, {
      verpAddress: (address) => {
        const p = parseVerp(address);
        return p && readToken(ctx.secrets, p.token) ? p.token : null;
      },
    });
  } catch {
    return { kind: 'other' };
  }
}

export const inboxKindOf = (c: Classification | undefined): InboxKind =>
  !c || c.kind === 'other' ? 'mail' : c.kind;

/** A bounce mailbox's fetch: the reports it stored, applied one by one (see applyReport). */
export class BounceReports {
  private readonly outcomes: ReportOutcome[] = [];
  private failed = 0;
  constructor(
    private readonly ctx: Ctx,
    private readonly accountId: string,
  ) {}

  /** Applies one stored report; a failure is logged and the fetch goes on (the report stays in the mailbox's store). */
  async apply(c: Classification, inboxMessageId: string): Promise<void> {
    if (c.kind === 'other') return;
    try {
      const o = await applyReport(this.ctx, c, { inboxMessageId, accountId: this.accountId });
      this.outcomes.push(o);
      for (const entry of o.logs) await this.ctx.log(entry);
    } catch (err) {
      this.failed += 1;
      await this.ctx.log({
        source: 'incoming',
        level: 'error',
        message: `A ${c.kind} fetched from the bounce mailbox could not be applied: ${(err as Error).message}`,
        accountId: this.accountId,
        context: { inboxMessageId },
      });
    }
  }

  /** One Main Log row and one timeline event on the bounce mailbox's account for a fetch that brought reports. */
  async finish(): Promise<void> {
    if (this.outcomes.length === 0 && this.failed === 0) return;
    const count = (k: Classification['kind']) => this.outcomes.filter((o) => o.kind === k).length;
    const unmatched = this.outcomes.filter((o) => o.messageId === null && o.kind !== 'auto_reply').length;
    const suppressed = this.outcomes.flatMap((o) => o.suppressed);
    const data = {
      bounces: count('bounce'),
      complaints: count('complaint'),
      autoReplies: count('auto_reply'),
      unmatched,
      failed: this.failed,
      suppressed: suppressed.length,
    };
    // No message ids here: a system bounce mailbox's timeline and Main Log are read by every team admin,
    // and its reports are about every team's messages. Each message's own rows (its recipients' stories,
    // the Main Log rows that name it) say which report changed it, to those who may read it.
    const summary = `Bounce mailbox: ${data.bounces} bounce(s), ${data.complaints} complaint(s), ${data.autoReplies} auto-reply(ies)${unmatched ? `, ${unmatched} not tied to a message` : ''}; ${suppressed.length} address(es) suppressed`;
    await this.ctx.log({
      source: 'incoming',
      level: this.failed ? 'error' : 'info',
      message: summary,
      accountId: this.accountId,
      context: data,
    });
    await addTimelineEvent(this.ctx, this.ctx.db, this.accountId, 'bounce_reports', summary, data);
  }
}
