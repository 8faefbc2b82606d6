// Mailgun, server side: the messages API through the guarded door, and a test that reads the domain.

import { httpUrlProblem } from '../../door/httpUrl';
import { MailroomError } from '../../errors';
import type { ServerTransport } from '../server';
import { testMailgun } from './connectionTest';
import { mailgunSettings } from './settings';
import { createMailgunTransport } from './transport';

export const mailgunTransport: ServerTransport<'mailgun'> = {
  settings: mailgunSettings,
  async createTransport(s, deps) {
    const destination = await deps.resolveUrl(s.baseUrl, 'The Mailgun base URL');
    return createMailgunTransport(s, deps.timeouts, {
      destination,
      allowPrivateHosts: deps.allowPrivateHosts,
    });
  },
  test: (env, s) => testMailgun(env, { baseUrl: s.baseUrl, domain: s.domain, apiKey: s.apiKey ?? '' }),
  // The key travels to the base URL: https:// only (plain http:// on loopback where private hosts are
  // allowed), never with credentials in it.
  assertAllowed(ctx, next) {
    const problem = httpUrlProblem(next.baseUrl, ctx.config.allowPrivateHosts);
    if (problem) {
      throw new MailroomError('validation_failed', `outgoing.baseUrl ${problem}`, {
        errors: [{ path: 'outgoing.baseUrl', message: problem }],
      });
    }
  },
  wireSecrets(set, s) {
    if (s.apiKey) set.addBasic('api', s.apiKey);
  },
  target: (s) => s.baseUrl,
};
