import type { TestEnv } from '../../connection/env';
import { ConnectionFailure } from '../../connection/failure';
import { guardedRequest } from '../../door/http';
import { toInfo } from '../../failures/classify';
import { httpReplyFailure } from '../../failures/http';

/** Mailgun's own advice for the statuses whose general advice is too vague; sends use it too. */
export const mailgunHints = {
  auth: 'Copy the private API key from the Mailgun dashboard (Settings → API keys), and check the region (EU accounts use https://api.eu.mailgun.net).',
  notFound: 'Check the sending domain, and the region of the account.',
};

export type MailgunSettings = { baseUrl: string; domain: string; apiKey: string };

/** Mailgun test: resolve the API host through the guard, then "authenticate": GET /v3/domains/{domain} with the key. */
export async function testMailgun(env: TestEnv, s: MailgunSettings): Promise<void> {
  // Keep a path prefix of the base URL (proxies, the mock server's /mailgun).
  const url = new URL(`${s.baseUrl.replace(/\/+$/, '')}/v3/domains/${encodeURIComponent(s.domain)}`);
  const auth = `Basic ${Buffer.from(`api:${s.apiKey}`).toString('base64')}`;
  env.transcript.addSecret(auth.slice(6));
  await env.steps.run('authenticate', async () => {
    const res = await guardedRequest(url.toString(), {
      headers: { authorization: auth, accept: 'application/json' },
      timeoutMs: env.config.timeouts.commandMs,
      allowPrivateHosts: env.config.allowPrivateHosts,
      ...(env.ca ? { ca: env.ca } : {}),
    });
    env.transcript.note(`GET ${url.pathname} → ${res.status}`);
    const where = {
      api: url.origin,
      addresses: res.destination.addresses.map((a) => a.address),
      status: res.status,
    };
    if (res.status < 200 || res.status >= 300) {
      // Statuses read as sends read them (one table). A refused key or domain gets no body: it says nothing
      // more, and could echo what we sent. A 404 names the domain the test asked for.
      const quiet = res.status === 401 || res.status === 403 || res.status === 404;
      const f = httpReplyFailure({
        service: 'Mailgun',
        status: res.status,
        hints: mailgunHints,
        reply: quiet ? undefined : res.body.slice(0, 300),
      });
      const message =
        res.status === 404 ? `The domain ${s.domain} is not in this Mailgun account` : f.message;
      throw new ConnectionFailure(toInfo({ ...f, message }), { detail: where });
    }
    let state: unknown;
    try {
      state = (JSON.parse(res.body) as { domain?: { state?: unknown } }).domain?.state;
    } catch {
      state = undefined;
    }
    return { value: undefined, detail: { ...where, domain: s.domain, ...(state ? { state } : {}) } };
  });
}
