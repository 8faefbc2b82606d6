import { and, eq, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import type { AccountRow } from '../accounts/types';
import type { Queryable } from '../db/client';
import { accountDefaults, accounts } from '../db/schema';
import type { RouteReason, RoutingExplain } from '../schemas/defaults';

/** Which account and why: the part of the explanation routing gives (Send-as is decided after it). */
export type RouteChoice = Pick<
  RoutingExplain,
  'accountId' | 'accountName' | 'reason' | 'explanation' | 'candidates'
>;
export type Route = RouteChoice & { account: AccountRow | null };

type Candidate = RoutingExplain['candidates'][number];

/**
 * Picks the outgoing account for a message that names none: an account whose fromFilter names the From
 * address exactly, then its domain; then the team default; then the system default. A named account is
 * planRoute's (it checks the caller may use it); Send-as is decided on the chosen account (sendAs.ts).
 */
export async function resolveRoute(
  q: Queryable,
  input: {
    from?: string | undefined;
    teamId?: string | null | undefined;
    /** Limits candidates to system accounts and these teams' (a team admin's explain and send). */
    visibleTeamIds?: string[] | undefined;
  },
): Promise<Route> {
  const from = input.from?.trim().toLowerCase() || undefined;
  const teamId = input.teamId ?? null;
  const candidates: Candidate[] = [];
  const done = (account: AccountRow | null, reason: RouteReason, explanation: string): Route => ({
    account,
    accountId: account?.id ?? null,
    accountName: account?.name ?? null,
    reason,
    explanation,
    candidates,
  });

  const scopeCond = teamId
    ? or(isNull(accounts.teamId), eq(accounts.teamId, teamId))
    : input.visibleTeamIds
      ? or(
          isNull(accounts.teamId),
          inArray(accounts.teamId, input.visibleTeamIds.length ? input.visibleTeamIds : ['']),
        )
      : undefined;
  const live = await q
    .select()
    .from(accounts)
    .where(and(eq(accounts.stage, 'active'), isNotNull(accounts.outgoing), scopeCond));
  // Team accounts win over system ones on equal rules; then by name, so the choice is stable.
  live.sort(
    (a, b) =>
      Number(b.teamId === teamId && teamId !== null) - Number(a.teamId === teamId && teamId !== null) ||
      a.name.localeCompare(b.name),
  );

  if (from) {
    const domain = from.split('@')[1] ?? '';
    const filters = (a: AccountRow) => (a.outgoing?.fromFilter ?? []).map((f) => f.toLowerCase());
    const ownAddress = (a: AccountRow) => (a.outgoing?.from.address ?? '').toLowerCase();
    const exact = live.find((a) => filters(a).includes(from) || ownAddress(a) === from);
    candidates.push({
      rule: 'from_filter_exact',
      accountId: exact?.id ?? null,
      accountName: exact?.name ?? null,
      matched: Boolean(exact),
      detail: exact ? `${from} is listed in its from filter` : `no active account lists ${from}`,
    });
    if (exact)
      return done(exact, 'from_filter_exact', `"${exact.name}" sends as ${from} (exact from-filter match)`);
    const byDomain = domain
      ? live.find((a) => filters(a).some((f) => f === domain || f === `@${domain}`))
      : undefined;
    candidates.push({
      rule: 'from_filter_domain',
      accountId: byDomain?.id ?? null,
      accountName: byDomain?.name ?? null,
      matched: Boolean(byDomain),
      detail: byDomain
        ? `its from filter covers the domain ${domain}`
        : `no active account covers the domain ${domain}`,
    });
    if (byDomain)
      return done(byDomain, 'from_filter_domain', `"${byDomain.name}" sends for the domain ${domain}`);
  }

  const scopes = teamId ? [teamId, 'system'] : ['system'];
  const defaults = await q
    .select()
    .from(accountDefaults)
    .where(and(eq(accountDefaults.direction, 'outgoing'), inArray(accountDefaults.scope, scopes)));
  const byId = async (id: string | undefined) => {
    if (!id) return undefined;
    const [row] = await q
      .select()
      .from(accounts)
      // A default must still be able to send: active, with outgoing settings.
      .where(and(eq(accounts.id, id), eq(accounts.stage, 'active'), isNotNull(accounts.outgoing)));
    return row;
  };
  if (teamId) {
    const teamDefault = await byId(defaults.find((d) => d.scope === teamId)?.accountId);
    candidates.push({
      rule: 'team_default',
      accountId: teamDefault?.id ?? null,
      accountName: teamDefault?.name ?? null,
      matched: Boolean(teamDefault),
      detail: teamDefault ? "it is the team's outgoing default" : 'the team has no outgoing default',
    });
    if (teamDefault)
      return done(
        teamDefault,
        'team_default',
        `"${teamDefault.name}" is the team's default outgoing account`,
      );
  }
  const systemDefault = await byId(defaults.find((d) => d.scope === 'system')?.accountId);
  candidates.push({
    rule: 'system_default',
    accountId: systemDefault?.id ?? null,
    accountName: systemDefault?.name ?? null,
    matched: Boolean(systemDefault),
    detail: systemDefault ? 'it is the system outgoing default' : 'there is no system outgoing default',
  });
  if (systemDefault)
    return done(
      systemDefault,
      'system_default',
      `"${systemDefault.name}" is the system default outgoing account`,
    );
  return done(null, 'none', 'No account matches: set a system default or a from filter');
}
