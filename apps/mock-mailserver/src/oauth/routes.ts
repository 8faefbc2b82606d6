import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpContext } from '../http/context.js';
import { json, readBody } from '../http/respond.js';
import type { RouteRequest, Router } from '../http/router.js';
import { authorizePage, deviceConsentPage, deviceEntryPage, messagePage, sendPage } from './pages.js';
import { DEVICE_GRANT, isEmail, OAuthError } from './provider.js';

const FORM_LIMIT = 64 * 1024;

/** A form body (application/x-www-form-urlencoded), as RFC 6749 requires of token requests. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  const body = await readBody(req, FORM_LIMIT);
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  return new URLSearchParams(body.toString('utf8'));
}

/** RFC 6749 2.3.1: `Basic base64(urlencode(id) ":" urlencode(secret))`. */
function basicCredentials(req: IncomingMessage): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'malformed Basic credentials', 401);
  const part = (value: string) => {
    try {
      return decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      throw new OAuthError('invalid_client', 'malformed Basic credentials', 401);
    }
  };
  return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
}

/** An RFC 6749 5.2 error response; 401 invalid_client says how to authenticate. */
function oauthError(res: ServerResponse, error: OAuthError): void {
  json(
    res,
    error.status,
    { error: error.error, error_description: error.description },
    {
      pragma: 'no-cache',
      ...(error.status === 401 ? { 'www-authenticate': 'Basic realm="mock-oauth"' } : {}),
    },
  );
}

/** Runs an endpoint that answers RFC 6749 JSON, turning OAuthErrors into error responses. */
function endpoint(handler: (request: RouteRequest) => Promise<void> | void) {
  return async (request: RouteRequest) => {
    try {
      await handler(request);
    } catch (error) {
      if (error instanceof OAuthError) return oauthError(request.res, error);
      throw error;
    }
  };
}

/** The redirect URI with the given parameters added to its query. */
function redirectTo(res: ServerResponse, uri: string, params: Record<string, string | null>): void {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params))
    if (value !== null) url.searchParams.append(name, value);
  res.writeHead(302, {
    location: url.toString(),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end();
}

/** The OAuth error a token fault rule answers with when it names none: by its status. */
function faultError(status: number): string {
  if (status === 401) return 'invalid_client';
  if (status === 503) return 'temporarily_unavailable';
  if (status >= 500) return 'server_error';
  return 'invalid_grant';
}

/** The provider's endpoints: RFC 8414 metadata, authorize + consent, token, device, revoke, userinfo. */
export function oauthRoutes(router: Router, ctx: HttpContext): void {
  const provider = ctx.oauth;

  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    router.on('GET', path, ({ res }) =>
      json(res, 200, provider.metadata(), { 'cache-control': 'max-age=60' }),
    );
  }

  router.on('GET', '/oauth/authorize', ({ res, query }) => {
    let checked: ReturnType<typeof provider.checkClientAndRedirect>;
    try {
      checked = provider.checkClientAndRedirect(query);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      // Never redirect to a URI that did not pass: the page tells the person instead.
      return sendPage(
        res,
        400,
        'Authorization error',
        messagePage(`Error ${error.status}: ${error.error}`, error.description, true),
      );
    }
    const state = query.get('state');
    try {
      const request = provider.checkAuthorizationRequest(query, checked.client, checked.redirectUri);
      const nonce = provider.consentNonce('authorize', request);
      sendPage(
        res,
        200,
        'Sign in',
        authorizePage({ ...request, nonce, identity: request.loginHint ?? provider.defaultIdentity }),
      );
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      redirectTo(res, checked.redirectUri, {
        error: error.error,
        error_description: error.description,
        state,
      });
    }
  });

  router.on('POST', '/oauth/authorize', async ({ req, res }) => {
    const form = new URLSearchParams((await readBody(req, FORM_LIMIT)).toString('utf8'));
    const consent = provider.takeConsent(form.get('nonce') ?? '', 'authorize');
    const request = consent?.request;
    if (!request) {
      return sendPage(
        res,
        400,
        'Authorization error',
        messagePage('This sign-in page has expired', 'Start again from the application.', true),
      );
    }
    if (form.get('decision') !== 'approve') {
      ctx.log(`oauth: ${request.client.clientId} denied at the consent page`);
      return redirectTo(res, request.redirectUri, { error: 'access_denied', state: request.state });
    }
    const identity = (form.get('email') ?? '').trim();
    if (!isEmail(identity)) {
      const nonce = provider.consentNonce('authorize', request);
      return sendPage(
        res,
        400,
        'Sign in',
        authorizePage({ ...request, nonce, identity, error: 'Enter an email address to sign in as.' }),
      );
    }
    const code = provider.issueCode(request, identity);
    ctx.log(`oauth: ${identity} approved ${request.client.clientId} (${request.scopes.join(' ')})`);
    redirectTo(res, request.redirectUri, { code, state: request.state, scope: request.scopes.join(' ') });
  });

  router.on(
    'POST',
    '/oauth/token',
    endpoint(async ({ req, res }) => {
      const body = await readForm(req);
      const basic = basicCredentials(req);
      const grantType = body.get('grant_type') ?? '';
      const clientId = basic?.id ?? body.get('client_id') ?? '';
      const decision = ctx.faults.evaluate('oauth-token', [grantType, clientId], randomUUID());
      if (decision) {
        if (decision.delayMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, decision.delayMs).unref());
          if (res.destroyed) return;
        }
        if (decision.action === 'drop') return void req.socket.destroy();
        if (decision.action === 'reply') {
          const error = new OAuthError(decision.errorType ?? faultError(decision.code), decision.message);
          if (grantType === DEVICE_GRANT) provider.noteFaultPoll(body.get('device_code') ?? '', error.error);
          return json(
            res,
            decision.code,
            { error: error.error, error_description: error.description },
            { pragma: 'no-cache' },
          );
        }
      }
      const client = provider.authenticateClient(basic, body);
      try {
        const tokens = provider.token(client, body);
        ctx.log(`oauth: tokens issued to ${client.clientId} (${grantType})`);
        json(res, 200, tokens, { pragma: 'no-cache' });
      } catch (error) {
        if (error instanceof OAuthError && !/authorization_pending|slow_down/.test(error.error)) {
          ctx.log(`oauth: token request of ${client.clientId} (${grantType}) refused: ${error.error}`);
        }
        throw error;
      }
    }),
  );

  router.on(
    'POST',
    '/oauth/device/code',
    endpoint(async ({ req, res }) => {
      const body = await readForm(req);
      const client = provider.authenticateClient(basicCredentials(req), body);
      json(res, 200, provider.authorizeDevice(client, body), { pragma: 'no-cache' });
    }),
  );

  router.on('GET', '/oauth/device', ({ res, query }) => {
    const typed = query.get('user_code');
    if (!typed) return sendPage(res, 200, 'Connect a device', deviceEntryPage({}));
    const device = provider.deviceByUserCode(typed);
    if (!device) {
      return sendPage(
        res,
        400,
        'Connect a device',
        deviceEntryPage({
          userCode: typed,
          error: 'That code is not valid or has expired. Check the code and try again.',
        }),
      );
    }
    const nonce = provider.consentNonce('device', device.deviceCode);
    sendPage(
      res,
      200,
      'Connect a device',
      deviceConsentPage({ ...device, nonce, identity: provider.defaultIdentity }),
    );
  });

  router.on('POST', '/oauth/device', async ({ req, res }) => {
    const form = new URLSearchParams((await readBody(req, FORM_LIMIT)).toString('utf8'));
    const consent = provider.takeConsent(form.get('nonce') ?? '', 'device');
    const deviceCode = consent?.deviceCode ?? '';
    const approve = form.get('decision') === 'approve';
    const identity = (form.get('email') ?? '').trim();
    if (approve && !isEmail(identity) && consent) {
      const device = provider.pendingDevice(deviceCode);
      if (device) {
        const nonce = provider.consentNonce('device', deviceCode);
        return sendPage(
          res,
          400,
          'Connect a device',
          deviceConsentPage({ ...device, nonce, identity, error: 'Enter an email address to sign in as.' }),
        );
      }
    }
    if (!consent || !provider.decideDevice(deviceCode, approve ? identity : null)) {
      return sendPage(
        res,
        400,
        'Connect a device',
        messagePage('This request has expired', 'Start again on your device.', true),
      );
    }
    ctx.log(`oauth: device authorization ${approve ? `approved as ${identity}` : 'denied'}`);
    sendPage(
      res,
      200,
      approve ? 'Device connected' : 'Access denied',
      approve
        ? messagePage('Device connected', `You signed in as ${identity}. You can return to your device.`)
        : messagePage('Access denied', 'The device was not connected.'),
    );
  });

  router.on(
    'POST',
    '/oauth/revoke',
    endpoint(async ({ req, res }) => {
      const body = await readForm(req);
      const client = provider.authenticateClient(basicCredentials(req), body);
      const value = body.get('token');
      if (!value) throw new OAuthError('invalid_request', 'Missing required parameter: token');
      provider.revokeToken(client, value);
      ctx.log(`oauth: ${client.clientId} revoked a token`);
      json(res, 200, {});
    }),
  );

  router.on('GET', '/oauth/userinfo', ({ req, res }) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const result = token ? provider.checkAccessToken(token) : null;
    if (!result?.ok) {
      const challenge = token ? 'Bearer error="invalid_token"' : 'Bearer';
      return json(
        res,
        401,
        { error: 'invalid_token', error_description: 'Invalid Credentials' },
        { 'www-authenticate': challenge },
      );
    }
    json(res, 200, { sub: result.identity, email: result.identity, email_verified: true });
  });
}
