// Amazon SES, server side: SendEmail (API v2, raw MIME, SigV4) through the guarded door, and a test that
// reads the account (GetAccount).
import { httpUrlProblem } from '../../door/httpUrl';
import { MailroomError } from '../../errors';
import type { ServerTransport } from '../server';
import { testSes } from './connectionTest';
import { sesEndpoint, sesSettings } from './settings';
import { createSesTransport } from './transport';

export const sesTransport: ServerTransport<'ses'> = {
  settings: sesSettings,
  async createTransport(s, deps) {
    // Resolved once here and reused by every send, like Mailgun's base URL.
    const destination = await deps.resolveUrl(sesEndpoint(s), 'The SES endpoint');
    return createSesTransport(s, deps.timeouts, { destination, allowPrivateHosts: deps.allowPrivateHosts });
  },
  test: testSes,
  // The key signs requests to the endpoint: https:// only (plain http:// on loopback where private hosts
  // are allowed), never with credentials in it.
  assertAllowed(ctx, next) {
    if (!next.endpoint) return;
    const problem = httpUrlProblem(next.endpoint, ctx.config.allowPrivateHosts);
    if (problem) {
      throw new MailroomError('validation_failed', `outgoing.endpoint ${problem}`, {
        errors: [{ path: 'outgoing.endpoint', message: problem }],
      });
    }
  },
  // The key itself is masked as a stored secret; signatures, derived per request, are masked as learned.
  wireSecrets(set, s) {
    set.add(s.secretAccessKey);
  },
  target: (s) => sesEndpoint(s),
};
