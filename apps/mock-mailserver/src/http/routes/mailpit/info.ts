import { readFileSync } from 'node:fs';
import type { FiredFault, MessageSummary } from '../../../types.js';
import type { HttpContext } from '../../context.js';
import { json } from '../../respond.js';
import type { Router } from '../../router.js';
import { MailpitError, mailpit, ok } from './common.js';
import { tagCounts } from './listing.js';

const { version } = JSON.parse(
  readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

// Faults at these stages turn a message away, which Mailpit counts as an SMTP rejection.
const REJECTING_STAGES = new Set(['connect', 'auth', 'mail', 'rcpt', 'data', 'end-of-data']);

/** Counters since the HTTP server started, kept from the event log as Mailpit keeps its runtime stats. */
function runtimeCounters(ctx: HttpContext) {
  const counters = { accepted: 0, acceptedSize: 0, deleted: 0, rejected: 0 };
  ctx.events.subscribe(({ type, data }) => {
    if (type === 'message') {
      counters.accepted++;
      counters.acceptedSize += (data as MessageSummary).size;
    } else if (type === 'delete') counters.deleted++;
    else if (type === 'reset') counters.deleted += (data as { deleted?: number }).deleted ?? 0;
    else if (type === 'fault') {
      const fault = data as FiredFault;
      if (fault.action !== 'delay' && REJECTING_STAGES.has(fault.stage)) counters.rejected++;
    }
  });
  return counters;
}

/** `/api/v1/info`, `/api/v1/webui`, `/livez`, `/readyz`: what the server is, what its web UI may offer, that it is up. */
export function mailpitInfoRoutes(router: Router, ctx: HttpContext): void {
  const startedAt = Date.now();
  const counters = runtimeCounters(ctx);

  router.on(
    'GET',
    '/api/v1/info',
    mailpit(({ res }) => {
      const all = ctx.store.query();
      json(res, 200, {
        Version: `mock-mailserver-${version}`,
        // What Mailpit answers when its version check is turned off.
        LatestVersion: 'disabled',
        Database: '',
        DatabaseSize: all.reduce((sum, m) => sum + m.size, 0),
        Messages: all.length,
        Unread: all.reduce((n, m) => n + (m.read ? 0 : 1), 0),
        Tags: Object.fromEntries(tagCounts(all)),
        RuntimeStats: {
          Uptime: Math.floor((Date.now() - startedAt) / 1000),
          Memory: process.memoryUsage().rss,
          MessagesDeleted: counters.deleted,
          SMTPAccepted: counters.accepted,
          SMTPAcceptedSize: counters.acceptedSize,
          SMTPRejected: counters.rejected,
          SMTPIgnored: 0,
        },
      });
    }),
  );

  // Mailpit's answer when it runs without --enable-chaos; the mock's fault rules are its chaos.
  const noChaos = mailpit(() => {
    throw new MailpitError(400, 'Chaos is not enabled');
  });
  router.on('GET', '/api/v1/chaos', noChaos);
  router.on('PUT', '/api/v1/chaos', noChaos);

  // Mailpit's health checks (Docker, Kubernetes): the mock answers them once it listens.
  router.on('GET', '/livez', ({ res }) => ok(res));
  router.on('GET', '/readyz', ({ res }) => ok(res));

  // Nothing optional is on: no relay, no SpamAssassin, no Chaos (the mock's fault rules do that).
  router.on(
    'GET',
    '/api/v1/webui',
    mailpit(({ res }) =>
      json(res, 200, {
        Label: '',
        MessageRelay: {
          Enabled: false,
          SMTPServer: '',
          ReturnPath: '',
          AllowedRecipients: '',
          BlockedRecipients: '',
          OverrideFrom: '',
          PreserveMessageIDs: false,
          RecipientAllowlist: '',
        },
        SpamAssassin: false,
        ChaosEnabled: false,
        DuplicatesIgnored: false,
        HideDeleteAllButton: false,
      }),
    ),
  );
}
