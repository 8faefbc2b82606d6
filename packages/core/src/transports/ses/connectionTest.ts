import type { TestEnv } from '../../connection/env';
import { ConnectionFailure } from '../../connection/failure';
import { resolveDestination } from '../../door/destination';
import { guardedRequest } from '../../door/http';
import { httpUrlProblem } from '../../door/httpUrl';
import { toInfo } from '../../failures/classify';
import { sesErrorOf, sesFailure, sesHints } from './failure';
import { type SesSettings, sesEndpoint } from './settings';
import { signSesRequest } from './sign';

type SendQuota = { Max24HourSend?: number; MaxSendRate?: number; SentLast24Hours?: number };
type Account = {
  SendingEnabled?: boolean;
  ProductionAccessEnabled?: boolean;
  EnforcementStatus?: string;
  SendQuota?: SendQuota;
};

/**
 * SES test: "resolve" the endpoint's host through the guard, then "authenticate": a signed
 * `GET /v2/email/account` (GetAccount), which shows whether sending is enabled and the quota. No mail is sent.
 */
export async function testSes(env: TestEnv, s: SesSettings): Promise<void> {
  const endpoint = sesEndpoint(s);
  const url = new URL(`${endpoint}/v2/email/account`);
  const { allowPrivateHosts } = env.config;
  const destination = await env.steps.run('resolve', async () => {
    const problem = httpUrlProblem(endpoint, allowPrivateHosts);
    if (problem) {
      throw new ConnectionFailure({
        code: 'blocked',
        message: `The SES endpoint ${url.origin} ${problem}`,
        hint: 'Leave the endpoint blank for the region’s https:// endpoint, or give an https:// URL without credentials.',
      });
    }
    const dest = await resolveDestination(url.hostname, {
      allowPrivateHosts,
      timeoutMs: env.config.timeouts.connectMs,
    });
    return { value: dest, detail: { host: dest.hostname, addresses: dest.addresses.map((a) => a.address) } };
  });
  await env.steps.run('authenticate', async () => {
    const signed = signSesRequest(
      url,
      { method: 'GET' },
      { region: s.region, accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey ?? '' },
    );
    // The signature is derived from the secret: masked wherever a server might echo it.
    env.transcript.addSecret(signed.signature);
    const res = await guardedRequest(url.toString(), {
      headers: signed.headers,
      timeoutMs: env.config.timeouts.commandMs,
      allowPrivateHosts,
      destination,
      ...(env.ca ? { ca: env.ca } : {}),
    });
    env.transcript.note(`GET ${url.pathname} → ${res.status}`);
    const where = { api: url.origin, region: s.region, accessKeyId: s.accessKeyId, status: res.status };
    if (res.status < 200 || res.status >= 300) {
      const f =
        res.status >= 300 && res.status < 400
          ? sesFailure({ status: res.status, type: '', message: '' }, 'the request')
          : sesFailure(sesErrorOf(res), 'the request');
      throw new ConnectionFailure(toInfo(f), { detail: where });
    }
    let account: Account = {};
    try {
      const parsed: unknown = JSON.parse(res.body);
      if (parsed && typeof parsed === 'object') account = parsed;
    } catch {
      // Not JSON: checked below as "nothing said".
    }
    const quota = account.SendQuota ?? {};
    const detail = {
      ...where,
      sendingEnabled: account.SendingEnabled ?? null,
      productionAccess: account.ProductionAccessEnabled ?? null,
      enforcementStatus: account.EnforcementStatus ?? null,
      quota: {
        max24HourSend: quota.Max24HourSend ?? null,
        maxSendRate: quota.MaxSendRate ?? null,
        sentLast24Hours: quota.SentLast24Hours ?? null,
      },
    };
    if (account.SendingEnabled === false) {
      throw new ConnectionFailure(
        {
          code: 'rejected',
          message: 'Amazon SES accepted the key, but sending is disabled for this account in this region',
          hint: sesHints.paused,
          responseCode: res.status,
        },
        { detail },
      );
    }
    return { value: undefined, detail };
  });
}
