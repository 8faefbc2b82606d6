import type { HttpContext } from '../http/context.js';
import { HttpError, json, readJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import { isEmail } from './provider.js';
import type { DeviceSettings, OAuthGrantFilter } from './types.js';

const FILTER_KEYS = ['identity', 'clientId', 'grantId'] as const;

/** A grant filter from a JSON body or a query string; 400 names a field that is not a string. */
function grantFilter(source: Record<string, unknown>): OAuthGrantFilter {
  const filter: OAuthGrantFilter = {};
  const errors: Array<{ path: string; message: string }> = [];
  for (const key of Object.keys(source)) {
    if (!(FILTER_KEYS as readonly string[]).includes(key))
      errors.push({ path: key, message: 'unknown field' });
  }
  for (const key of FILTER_KEYS) {
    const value = source[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value === '')
      errors.push({ path: key, message: 'expected a non-empty string' });
    else filter[key] = value;
  }
  if (errors.length)
    throw new HttpError(400, `invalid filter: ${errors.map((e) => e.path).join(', ')}`, { errors });
  return filter;
}

/** A JSON object body ({} when empty); 400 otherwise. */
async function objectBody(req: Parameters<typeof readJson>[0]): Promise<Record<string, unknown>> {
  const empty =
    req.headers['content-length'] === '0' ||
    (!req.headers['content-length'] && !req.headers['transfer-encoding']);
  const body = empty ? {} : await readJson(req, 16 * 1024);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'expected a JSON object', {
      errors: [{ path: '', message: 'expected an object' }],
    });
  }
  return body as Record<string, unknown>;
}

async function bodyFilter(req: Parameters<typeof readJson>[0]): Promise<OAuthGrantFilter> {
  return grantFilter(await objectBody(req));
}

/**
 * Controls for tests over `/api/oauth`: list grants (never a token), revoke grants, expire
 * access tokens now; device codes (their poll logs; forced `slow_down`, a shorter lifetime or
 * interval for new ones; expire one now). Failures of the token endpoint are fault rules (stage `oauth-token`).
 */
export function oauthControlRoutes(router: Router, ctx: HttpContext): void {
  const provider = ctx.oauth;

  router.on('GET', '/api/oauth', ({ res }) => json(res, 200, provider.summary()));

  router.on('GET', '/api/oauth/grants', ({ res, query }) => {
    const filter = grantFilter(Object.fromEntries(query));
    json(res, 200, { grants: provider.grants(filter) });
  });

  router.on('POST', '/api/oauth/grants', async ({ req, res }) => {
    const body = await readJson(req, 16 * 1024);
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const errors: Array<{ path: string; message: string }> = [];
    for (const key of Object.keys(input)) {
      if (!['identity', 'clientId', 'scopes'].includes(key))
        errors.push({ path: key, message: 'unknown field' });
    }
    const { identity, clientId, scopes } = input;
    if (typeof identity !== 'string' || !isEmail(identity)) {
      errors.push({ path: 'identity', message: 'expected an email address' });
    }
    if (clientId !== undefined && (typeof clientId !== 'string' || clientId === '')) {
      errors.push({ path: 'clientId', message: 'expected a non-empty string' });
    }
    const known = (v: unknown) => typeof v === 'string' && provider.scopes.includes(v);
    if (scopes !== undefined && !(Array.isArray(scopes) && scopes.length > 0 && scopes.every(known))) {
      errors.push({ path: 'scopes', message: `expected a list of: ${provider.scopes.join(', ')}` });
    }
    if (errors.length)
      throw new HttpError(400, `invalid grant: ${errors.map((e) => e.path).join(', ')}`, { errors });
    const tokens = provider.grant({
      identity: identity as string,
      ...(clientId ? { clientId: clientId as string } : {}),
      ...(scopes ? { scopes: scopes as string[] } : {}),
    });
    ctx.log(`oauth: grant made over the API for ${identity as string}`);
    json(res, 201, tokens);
  });

  router.on('POST', '/api/oauth/revoke', async ({ req, res }) => {
    const filter = await bodyFilter(req);
    const revoked = provider.revoke(filter);
    ctx.log(`oauth: ${revoked} grant(s) revoked over the API`);
    json(res, 200, { revoked });
  });

  router.on('DELETE', '/api/oauth/grants/:id', ({ res, params }) => {
    const grantId = params.id!;
    if (provider.grants({ grantId }).length === 0) throw new HttpError(404, `no grant ${grantId}`);
    json(res, 200, { revoked: provider.revoke({ grantId }) });
  });

  router.on('GET', '/api/oauth/devices', ({ res, query }) => {
    const userCode = query.get('userCode') ?? undefined;
    const clientId = query.get('clientId') ?? undefined;
    json(res, 200, { devices: provider.devicesInfo({ userCode, clientId }), next: provider.deviceSettings });
  });

  router.on('GET', '/api/oauth/device-settings', ({ res }) => json(res, 200, provider.deviceSettings));

  router.on('PUT', '/api/oauth/device-settings', async ({ req, res }) => {
    const input = await objectBody(req);
    const errors: Array<{ path: string; message: string }> = [];
    const settings: Partial<DeviceSettings> = {};
    for (const [key, value] of Object.entries(input)) {
      if (key === 'expiresInSeconds' || key === 'intervalSeconds') {
        if (
          value === null ||
          (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 86_400)
        )
          settings[key] = value as number | null;
        else errors.push({ path: key, message: 'expected whole seconds from 1 to 86400, or null' });
      } else if (key === 'slowDown') {
        if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100)
          settings.slowDown = value as number;
        else errors.push({ path: key, message: 'expected a whole number from 0 to 100' });
      } else errors.push({ path: key, message: 'unknown field' });
    }
    if (errors.length)
      throw new HttpError(400, `invalid device settings: ${errors.map((e) => e.path).join(', ')}`, {
        errors,
      });
    const next = provider.setDeviceSettings(settings);
    ctx.log(`oauth: new device codes get ${JSON.stringify(next)}`);
    json(res, 200, next);
  });

  router.on('POST', '/api/oauth/devices/:userCode', async ({ req, res, params }) => {
    const input = await objectBody(req);
    const errors: Array<{ path: string; message: string }> = [];
    for (const [key, value] of Object.entries(input)) {
      if (key === 'slowDown') {
        if (!(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100))
          errors.push({ path: key, message: 'expected a whole number from 0 to 100' });
      } else if (key === 'expire') {
        if (typeof value !== 'boolean') errors.push({ path: key, message: 'expected true or false' });
      } else errors.push({ path: key, message: 'unknown field' });
    }
    if (errors.length)
      throw new HttpError(400, `invalid device control: ${errors.map((e) => e.path).join(', ')}`, { errors });
    const userCode = params.userCode!;
    const done = provider.controlDevice(userCode, {
      slowDown: input.slowDown as number | undefined,
      expire: input.expire as boolean | undefined,
    });
    if (!done) throw new HttpError(404, `no device authorization with the user code ${userCode}`);
    json(res, 200, provider.devicesInfo({ userCode })[0]);
  });

  router.on('POST', '/api/oauth/expire', async ({ req, res }) => {
    const filter = await bodyFilter(req);
    const expired = provider.expireAccessTokens(filter);
    ctx.log(`oauth: ${expired} access token(s) expired over the API`);
    json(res, 200, { expired });
  });
}
