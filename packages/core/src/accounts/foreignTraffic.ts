import type { Ctx } from '../context';
import { readableMessageIds, visibleTo } from '../outbox/listMessages';
import type { AccountView, TrafficFact } from '../schemas/account';

/**
 * An account's last send and last failed send as the actor may read them: a system-level account's may be
 * another team's message (sent through the shared account), whose id and the server's reply (a refused
 * recipient's address) that team admin may not read (outbox `visibleTo`). They keep when it was, the error
 * class and the reply code; the message, the reply, the sentence and its detail are left out.
 */
export async function withoutForeignSends(ctx: Ctx, views: AccountView[]): Promise<AccountView[]> {
  if (!visibleTo(ctx)) return views;
  const facts = (v: AccountView) => [v.sending?.lastOk, v.sending?.lastFailed];
  const ids = views.flatMap((v) => facts(v).flatMap((f) => (f?.messageId ? [f.messageId] : [])));
  if (ids.length === 0) return views;
  const readable = await readableMessageIds(ctx, ids);
  const hide = (f: TrafficFact | null, ok: boolean): TrafficFact | null =>
    f?.messageId && !readable(f.messageId)
      ? {
          at: f.at,
          errorCode: f.errorCode,
          responseCode: f.responseCode,
          reply: null,
          summary: ok ? "Another team's message was sent" : `Another team's message failed (${f.errorCode})`,
          messageId: null,
        }
      : f;
  return views.map((v) =>
    v.sending
      ? {
          ...v,
          sending: {
            ...v.sending,
            lastOk: hide(v.sending.lastOk, true),
            lastFailed: hide(v.sending.lastFailed, false),
          },
        }
      : v,
  );
}
