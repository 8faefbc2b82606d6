import { guardedRequest } from '../door/http';
import type { TestEnv } from './env';
import { ConnectionFailure } from './failure';

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
    if (res.status === 401 || res.status === 403) {
      throw new ConnectionFailure(
        {
          code: 'auth',
          message: 'Mailgun refused the API key',
          hint: 'Copy the private API key from the Mailgun dashboard (Settings → API keys), and check the region (EU accounts use https://api.eu.mailgun.net).',
          responseCode: res.status,
        },
        { detail: where },
      );
    }
    if (res.status === 404) {
      throw new ConnectionFailure(
        {
          code: 'rejected',
          message: `The domain ${s.domain} is not in this Mailgun account`,
          hint: 'Check the sending domain, and the region of the account.',
          responseCode: res.status,
        },
        { detail: where },
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw new ConnectionFailure(
        {
          code: 'protocol',
          message: `Mailgun answered HTTP ${res.status}`,
          hint: 'Check the API base URL.',
          responseCode: res.status,
          reply: res.body.slice(0, 300),
        },
        { detail: where },
      );
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
