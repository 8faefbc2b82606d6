import { and, asc, inArray, isNull, or } from 'drizzle-orm';
import { outgoingView } from '../accounts/codec';
import { teamScopeOn } from '../accounts/teamScope';
import type { Ctx } from '../context';
import { accountDefaults, accounts, teams } from '../db/schema';
import { parseInput } from '../errors';
import { accountsCsvQuerySchema } from '../schemas/reports';
import { outgoingSummary } from '../transports/summaries';
import { csvLine } from './csv';

const HEADER = [
  'id',
  'name',
  'label',
  'purpose',
  'team',
  'stage',
  'health',
  'health_reason',
  'outgoing_transport',
  'outgoing_endpoint',
  'outgoing_security',
  'from_address',
  'send_as',
  'from_not_allowed',
  'send_mode',
  'verified_at',
  'incoming_protocol',
  'incoming_host',
  'incoming_port',
  'incoming_security',
  'defaults',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
];

/** The accounts report as CSV (every stage, no secrets), for the accounts the actor may read, of one team if asked. */
export async function accountsCsv({ ctx, input }: { ctx: Ctx; input?: unknown }): Promise<string> {
  const q = parseInput(accountsCsvQuerySchema, input ?? {});
  const scope =
    ctx.actor.role === 'team_admin'
      ? ctx.actor.teamIds.length
        ? or(isNull(accounts.teamId), inArray(accounts.teamId, ctx.actor.teamIds))
        : isNull(accounts.teamId)
      : undefined;
  const rows = await ctx.db
    .select()
    .from(accounts)
    .where(and(scope, teamScopeOn(accounts.teamId, q.teamId)))
    .orderBy(asc(accounts.name));
  const teamNames = new Map((await ctx.db.select().from(teams)).map((t) => [t.id, t.name]));
  const defaults = await ctx.db.select().from(accountDefaults);
  let out = csvLine(HEADER);
  for (const r of rows) {
    const o = r.outgoing;
    const i = r.incoming;
    const defaultFor = defaults
      .filter((d) => d.accountId === r.id)
      .map((d) => `${d.direction}:${d.scope === 'system' ? 'system' : (teamNames.get(d.scope) ?? d.scope)}`)
      .join(' ');
    out += csvLine([
      r.id,
      r.name,
      r.label,
      r.purpose,
      r.teamId ? (teamNames.get(r.teamId) ?? r.teamId) : 'system',
      r.stage,
      r.health,
      r.healthReason,
      o?.transport,
      // Where mail goes, as its transport says it (host:port, an API's URL, a program's path).
      o ? outgoingSummary(outgoingView(o, r.secrets, r.verifiedAt)).endpoint : null,
      o && 'security' in o ? o.security : null,
      o?.from.address,
      o?.fromFilter.join(' '),
      o ? (o.fromNotAllowed ?? 'refuse') : null,
      o?.sendMode,
      r.verifiedAt,
      i?.protocol,
      i?.host,
      i?.port,
      i?.security,
      defaultFor,
      r.createdAt,
      r.createdBy,
      r.updatedAt,
      r.updatedBy,
    ]);
  }
  return out;
}
