// SMTP, server side: pooled nodemailer transports to the address the guard checked (in the delivery
// thread when configured), OAuth2 tokens through the guarded door, and the step-by-step test.
import { credentialsOf } from '../../connection/credentials';
import { testSmtp } from '../../connection/smtp';
import { addAuthSecrets } from '../../security/authSecrets';
import type { ServerTransport } from '../server';
import { OAuthTokenSource } from './oauthTokens';
import { smtpSettings } from './settings';
import { createSmtpDebugTransport, createSmtpTransport, createThreadedSmtpTransport } from './transport';

export const smtpTransport: ServerTransport<'smtp'> = {
  settings: smtpSettings,
  async createTransport(s, deps) {
    const dest = await deps.resolve(s.host);
    const address = dest.addresses[0]?.address ?? s.host;
    const { auth } = s;
    // OAuth2 tokens come from our own guarded request, never from nodemailer's; its callback cannot
    // cross into the delivery thread, so these pools stay on this thread.
    const tokens =
      auth.method === 'oauth2'
        ? new OAuthTokenSource(
            auth,
            { timeoutMs: deps.timeouts.commandMs, allowPrivateHosts: deps.allowPrivateHosts },
            Date.now,
            deps.oauthToken,
          )
        : undefined;
    if (deps.account.debug) return createSmtpDebugTransport(s, deps.timeouts, address, tokens);
    if (deps.smtpPool.thread && !tokens) {
      return createThreadedSmtpTransport(
        deps.deliveryThread(),
        `${deps.account.id}:${deps.key}`,
        s,
        deps.timeouts,
        deps.smtpPool,
        address,
      );
    }
    return createSmtpTransport(s, deps.timeouts, deps.smtpPool, address, tokens);
  },
  async test(env, s) {
    const credentials = await credentialsOf(env, s.auth);
    await testSmtp(env, {
      host: s.host,
      port: s.port,
      security: s.security,
      allowInvalidCertificates: s.allowInvalidCertificates,
      credentials,
      from: s.from.address,
    });
  },
  wireSecrets: (set, s) => addAuthSecrets(set, s.auth),
  target: (s) => `${s.host}:${s.port}`,
  authLogSource: 'smtp_auth',
};
