import { and, eq, gte, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { accountsInScope, byAccounts, isSystemScope } from '../accounts/teamScope';
import type { Ctx } from '../context';
import { exactAt, keysetList, searchText } from '../db/keyset';
import { accounts, logs, messages } from '../db/schema';
import { MailroomError, parseInput } from '../errors';
import { visibleTo } from '../outbox/listMessages';
import type { CursorListResult } from '../schemas/common';
import { type LogEntry, logQuerySchema } from '../schemas/logs';
import { compileConditions, likeEscape } from './conditions';

export type LogPage = CursorListResult<LogEntry>;

/** What `q` searches (the message and the actor), as the trigram index of migration 0010 has it. */
export const logSearchText = searchText([logs.message, sql`coalesce(${logs.actor}, '')`]);

/** Accepts the condition builder as an object or as the JSON text of a query string (`filter=`). */
function normalize(input: unknown): unknown {
  if (!input || typeof input !== 'object') return input;
  const filter = (input as { filter?: unknown }).filter;
  if (typeof filter !== 'string') return input;
  if (filter.trim() === '') return { ...input, filter: undefined };
  try {
    return { ...input, filter: JSON.parse(filter) };
  } catch {
    throw new MailroomError('validation_failed', 'filter must be JSON', {
      errors: [
        {
          path: 'filter',
          message: 'must be JSON, e.g. {"all":[{"field":"level","op":"eq","value":"error"}]}',
        },
      ],
    });
  }
}

/** Reads the Main Log newest first, filtered by field, time range, text and the condition builder; paged by keyset (`cursor`) or page number. */
export async function queryLogs({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<LogPage> {
  const q = parseInput(logQuerySchema, normalize(input));
  const where: Array<SQL | undefined> = [];
  if (q.source) where.push(eq(logs.source, q.source));
  if (q.level) where.push(eq(logs.level, q.level));
  if (q.accountId) where.push(eq(logs.accountId, q.accountId));
  // A team: its accounts' rows. System: system accounts' rows and the events of no account (start-up,
  // retention, settings), which belong to no team.
  const byTeam = byAccounts(logs.accountId, await accountsInScope(ctx.db, q.teamId));
  if (byTeam) where.push(isSystemScope(q.teamId) ? or(isNull(logs.accountId), byTeam) : byTeam);
  if (q.actor) where.push(eq(logs.actor, q.actor));
  if (q.since) where.push(gte(logs.at, new Date(q.since)));
  if (q.until) where.push(lte(logs.at, new Date(q.until)));
  if (q.q) {
    where.push(sql`${logSearchText} ilike ${`%${likeEscape(q.q)}%`}`);
  }
  if (q.filter) where.push(compileConditions(q.filter));
  if (ctx.actor.role === 'team_admin') {
    // A team admin reads the logs of accounts they can read: system-level ones and their teams'.
    const visible = ctx.db
      .select({ id: accounts.id })
      .from(accounts)
      .where(
        ctx.actor.teamIds.length
          ? or(isNull(accounts.teamId), inArray(accounts.teamId, ctx.actor.teamIds))
          : isNull(accounts.teamId),
      );
    where.push(inArray(logs.accountId, visible));
    // A row about a message (a send's failure, transcript, bounce) is that message's: shown only when they
    // may read it (outbox `visibleTo`). Once the message is gone (retention), whose it was is known only
    // through a team's own account; through a system account it could have been any team's: admins only.
    const about = sql`(${logs.context} ->> 'messageId')`;
    const ownAccounts = ctx.actor.teamIds.length
      ? sql`${logs.accountId} in (select ${accounts.id} from ${accounts} where ${inArray(accounts.teamId, ctx.actor.teamIds)})`
      : sql`false`;
    where.push(
      sql`(${about} is null or exists (select 1 from ${messages} where ${messages.id} = ${about} and ${visibleTo(ctx)}) or (${ownAccounts} and not exists (select 1 from ${messages} where ${messages.id} = ${about})))`,
    );
  }
  const cond = and(...where.filter((w): w is SQL => w !== undefined));
  return keysetList(ctx.db, {
    input: q,
    cols: { at: logs.at, id: logs.id, idCast: 'bigint' },
    count: ctx.db.select({ one: sql`1` }).from(logs).where(cond),
    fetch: (page) =>
      ctx.db
        .select({ r: logs, at: exactAt(logs.at) })
        .from(logs)
        .where(and(cond, page.where))
        .orderBy(...page.orderBy)
        .limit(page.limit)
        .offset(page.offset),
    key: (x) => ({ at: x.at, id: String(x.r.id) }),
    view: ({ r }): LogEntry => ({
      id: String(r.id),
      at: r.at.toISOString(),
      source: r.source as LogEntry['source'],
      level: r.level,
      message: r.message,
      accountId: r.accountId,
      actor: r.actor,
      context: r.context,
    }),
  });
}
