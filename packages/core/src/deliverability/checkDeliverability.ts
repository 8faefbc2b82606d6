import { assertCanWrite } from '../accounts/access';
import { loadAccount } from '../accounts/load';
import type { Ctx } from '../context';
import { type DnsOptions, lookupMx } from '../door';
import { MailroomError } from '../errors';
import { catalogFor } from '../providers/forConfig';
import type { Catalog } from '../providers/lookup';
import type { OutgoingSettings, OutgoingStored } from '../schemas/account';
import { checkAlignment, checkDkim, checkDmarc, checkSpf } from './checks';
import type { DeliverabilityCheck, DeliverabilityResult, SendingSetup } from './schema';

/**
 * `POST /api/v1/accounts/:id/deliverability`: SPF, DKIM, DMARC and alignment for the From domain of an
 * account's outgoing part, each a pass, a warning or a failure with a hint. Needs the right to edit it.
 */
export async function checkDeliverability({
  ctx,
  id,
}: {
  ctx: Ctx;
  id: string;
}): Promise<DeliverabilityResult> {
  const row = await loadAccount(ctx, ctx.db, id);
  assertCanWrite(ctx.actor, row.teamId);
  if (!row.outgoing) {
    throw new MailroomError('validation_failed', 'The account has no outgoing part to check', {
      errors: [{ path: 'outgoing', message: 'is required for a deliverability check' }],
    });
  }
  return runDeliverability(
    sendingSetup(row.outgoing),
    catalogFor(ctx.config),
    { servers: ctx.config.dnsServers, timeoutMs: ctx.config.timeouts.connectMs },
    ctx.config.allowPrivateHosts,
  );
}

/** What the checks need from an outgoing part. */
export function sendingSetup(o: OutgoingStored | OutgoingSettings): SendingSetup {
  const from = o.from.address.toLowerCase();
  const fromDomain = from.slice(from.lastIndexOf('@') + 1);
  const s = o as unknown as {
    transport: string;
    host?: string;
    auth?: { method: string; username?: string };
    dkim?: { enabled?: boolean; domain: string; selector: string };
  };
  const username = s.auth && s.auth.method !== 'none' ? s.auth.username : undefined;
  return {
    fromDomain,
    smtpHost: s.transport === 'smtp' && s.host ? s.host.toLowerCase() : null,
    providerId: s.transport === 'mailgun' ? 'mailgun' : s.transport === 'ses' ? 'ses' : null,
    envelopeSender: o.bounceAddress ?? from,
    loginAddress: username?.includes('@') ? username.toLowerCase() : null,
    // Signing turned off is no signature: the provider's selectors are what count then.
    dkim: s.dkim && s.dkim.enabled !== false ? { domain: s.dkim.domain, selector: s.dkim.selector } : null,
  };
}

/** Runs the four checks; a lookup that fails makes its check a warning saying so, never hides the others. */
export async function runDeliverability(
  s: SendingSetup,
  catalog: Catalog,
  dns: DnsOptions,
  /** MAILROOM_ALLOW_PRIVATE_HOSTS (the SPF check evaluates an SMTP host's address only where the door may go). */
  allowPrivateHosts = false,
): Promise<DeliverabilityResult> {
  const provider = await whoSends(s, catalog, dns);
  const guard = async (name: DeliverabilityCheck['name'], run: () => Promise<DeliverabilityCheck>) => {
    try {
      return await run();
    } catch (err) {
      return {
        name,
        result: 'warn' as const,
        detail: `Could not check: ${err instanceof Error ? err.message : 'the lookup failed'}`,
        hint: 'Retry in a minute; if it persists, check the server can reach its DNS servers.',
      };
    }
  };
  const checks = await Promise.all([
    guard('spf', () => checkSpf(s, provider, dns, allowPrivateHosts)),
    guard('dkim', () => checkDkim(s, provider, dns)),
    guard('dmarc', () => checkDmarc(s, dns)),
    guard('alignment', async () => checkAlignment(s)),
  ]);
  return {
    domain: s.fromDomain,
    provider: provider ? { id: provider.id, name: provider.name } : null,
    checks,
  };
}

/** The provider the mail leaves through: the transport, the SMTP host, else the From domain (or its MX). */
async function whoSends(s: SendingSetup, catalog: Catalog, dns: DnsOptions) {
  if (s.providerId) return catalog.findProvider(s.providerId);
  if (s.smtpHost) {
    const host = s.smtpHost;
    const byHost = catalog.all.find((p) => p.smtp.some((x) => x.host === host));
    if (byHost) return byHost;
    if (/^email-smtp\.[a-z0-9-]+\.amazonaws\.com$/.test(host)) return catalog.findProvider('ses');
  }
  const byDomain = catalog.providerForDomain(s.fromDomain);
  if (byDomain) return byDomain;
  const mx = await lookupMx(s.fromDomain, dns).catch(() => []);
  for (const m of mx) {
    const p = catalog.providerForMx(m.exchange);
    if (p) return p;
  }
  return undefined;
}
