import { canWrite } from '../accounts/access';
import type { Ctx } from '../context';
import { forbidden, parseInput } from '../errors';
import { catalogFor } from '../providers/forConfig';
import { fromMx } from './fromMx';
import { proposalFromProvider } from './fromProvider';
import { fromSrv } from './fromSrv';
import { autoconfigUrls, fromXml } from './fromXml';
import { type AutoconfigResult, autoconfigQuerySchema, type Proposal, type SourceReport } from './schema';

export type DiscoverOptions = {
  /** Where the autoconfig documents are fetched (tests point them at a local server). */
  autoconfigUrls?: (domain: string, email: string) => string[];
};

/**
 * Proposes settings for an address (`GET /api/v1/autoconfig`): the catalogue by domain; otherwise MX,
 * autoconfig XML and SRV asked side by side, each bounded in time, each one's outcome reported, the first
 * of them (in that order) that knows the domain proposing. Needs the right to edit some account: the
 * lookups reach servers the caller names.
 */
export async function discoverSettings({
  ctx,
  input,
  options = {},
}: {
  ctx: Ctx;
  input: unknown;
  options?: DiscoverOptions;
}): Promise<AutoconfigResult> {
  const { email } = parseInput(autoconfigQuerySchema, input);
  const a = ctx.actor;
  if (!canWrite(a, null) && !a.teamIds.some((t) => canWrite(a, t))) {
    throw forbidden('Only admins, and team admins of a team, can look up settings for an address');
  }
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const catalog = catalogFor(ctx.config);
  const dns = { servers: ctx.config.dnsServers, timeoutMs: ctx.config.timeouts.connectMs };
  const reports: SourceReport[] = [];

  const known = catalog.providerForDomain(domain);
  if (known) {
    reports.push({ source: 'catalog', status: 'answered', detail: `${domain} is ${known.name}` });
    for (const source of ['mx', 'autoconfig', 'srv'] as const) {
      reports.push({ source, status: 'skipped', detail: 'the catalogue knows the domain' });
    }
    return answer(email, domain, proposalFromProvider(known, email, 'catalog'), reports, catalog);
  }
  reports.push({ source: 'catalog', status: 'empty', detail: `${domain} is not in the catalogue` });

  const urls = (options.autoconfigUrls ?? autoconfigUrls)(domain, email);
  const http = { timeoutMs: ctx.config.timeouts.connectMs, allowPrivateHosts: ctx.config.allowPrivateHosts };
  // Side by side, settled: one source failing or hanging (up to its bound) never hides the others.
  const [mx, xml, srv] = await Promise.allSettled([
    fromMx(domain, email, catalog, dns),
    fromXml(urls, email, http),
    fromSrv(domain, email, dns),
  ]);
  let chosen: Proposal | null = null;
  const take = (
    source: SourceReport['source'],
    r: PromiseSettledResult<{ proposal: Proposal | null; detail: string; failed?: boolean }>,
  ) => {
    if (r.status === 'rejected') {
      const message = r.reason instanceof Error ? r.reason.message : 'failed';
      reports.push({ source, status: 'failed', detail: message });
      return;
    }
    const { proposal, detail, failed } = r.value;
    reports.push({ source, status: proposal ? 'answered' : failed ? 'failed' : 'empty', detail });
    if (proposal && !chosen) chosen = proposal;
  };
  take('mx', mx);
  take('autoconfig', xml);
  take('srv', srv);
  return answer(email, domain, chosen, reports, catalog);
}

function answer(
  email: string,
  domain: string,
  p: Proposal | null,
  sources: SourceReport[],
  catalog: ReturnType<typeof catalogFor>,
): AutoconfigResult {
  if (!p) {
    return {
      email,
      domain,
      source: 'none',
      provider: null,
      outgoing: null,
      incoming: [],
      auth: ['password'],
      note: `Nothing found for ${domain}: enter the server settings your mail provider gives you.`,
      sources,
    };
  }
  const provider = p.providerId ? catalog.findProvider(p.providerId) : undefined;
  return {
    email,
    domain,
    source: p.source,
    provider: provider ? { id: provider.id, name: provider.name } : null,
    outgoing: p.outgoing,
    incoming: p.incoming,
    auth: p.auth,
    ...(provider?.oauth
      ? {
          oauth: {
            provider: provider.id,
            authorizationEndpoint: provider.oauth.authorizationEndpoint,
            tokenEndpoint: provider.oauth.tokenEndpoint,
            ...(provider.oauth.deviceEndpoint ? { deviceEndpoint: provider.oauth.deviceEndpoint } : {}),
            pkce: provider.oauth.pkce,
            device: provider.oauth.device,
            scopes: {
              smtp: provider.oauth.scopes.smtp,
              imap: provider.oauth.scopes.imap,
              pop3: provider.oauth.scopes.pop3,
            },
          },
        }
      : {}),
    note: p.note,
    sources,
  };
}
