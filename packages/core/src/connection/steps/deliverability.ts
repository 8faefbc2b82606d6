// The outgoing test's last step, when asked for: the deliverability check (SPF, DKIM, DMARC, alignment)
// of the From domain. It never fails the test: each check is a pass, a warning or a failure in the
// step's detail, and a lookup that fails is a warning saying so (docs/DELIVERABILITY.md).

import type { CoreConfig } from '../../context';
import { runDeliverability, sendingSetup } from '../../deliverability/checkDeliverability';
import type { DeliverabilityCheck } from '../../deliverability/schema';
import type { DnsOptions } from '../../door/dns';
import { catalogFor } from '../../providers/forConfig';
import type { Catalog } from '../../providers/lookup';
import type { OutgoingSettings } from '../../schemas/account';
import type { StepRecorder } from '../runner';

/** What the step needs: the provider catalogue and the name servers (with a bound on each lookup). */
export type DeliverabilityStepOptions = { catalog: Catalog; dns: DnsOptions; allowPrivateHosts?: boolean };

/** The step's options from the configuration: its catalogue, `MAILROOM_DNS_SERVERS`, the connect timeout. */
export function deliverabilityOptions(config: CoreConfig): DeliverabilityStepOptions {
  return {
    catalog: catalogFor(config),
    dns: { servers: config.dnsServers, timeoutMs: config.timeouts.connectMs },
    allowPrivateHosts: config.allowPrivateHosts,
  };
}

const rank = { pass: 0, warn: 1, fail: 2 } as const;

/** The worst result of the checks: what the step's mark shows. */
export function worstResult(checks: readonly DeliverabilityCheck[]): DeliverabilityCheck['result'] {
  return checks.reduce<DeliverabilityCheck['result']>(
    (w, c) => (rank[c.result] > rank[w] ? c.result : w),
    'pass',
  );
}

/** Step "deliverability": recorded as run (`ok`), its verdict in `detail.result` and per check. */
export async function deliverabilityStep(
  steps: StepRecorder,
  part: OutgoingSettings,
  opts: DeliverabilityStepOptions,
): Promise<void> {
  await steps.run('deliverability', async () => {
    try {
      const r = await runDeliverability(sendingSetup(part), opts.catalog, opts.dns, opts.allowPrivateHosts);
      return {
        value: undefined,
        detail: {
          result: worstResult(r.checks),
          domain: r.domain,
          ...(r.provider ? { provider: r.provider.name } : {}),
          checks: r.checks,
        },
      };
    } catch (err) {
      // runDeliverability turns each lookup's failure into a warning; anything else is one too.
      return {
        value: undefined,
        detail: {
          result: 'warn',
          domain: part.from.address.slice(part.from.address.lastIndexOf('@') + 1),
          checks: [],
          message: `Could not check deliverability: ${err instanceof Error ? err.message : 'unexpected error'}`,
          hint: 'Retry in a minute; if it persists, check the server can reach its DNS servers.',
        },
      };
    }
  });
}
