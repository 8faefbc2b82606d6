// A reconnect (POST /oauth/authorizations with accountId) may reuse the account's stored client secret so
// nobody types it again. The attack: someone who may edit the account (a team admin) but was never told its
// client secret starts a "reconnect" with the same client id and endpoints of their own. Mailroom must not
// send the stored secret anywhere but the token endpoint the account already uses (the rule PATCH applies:
// a stored secret never follows a changed token URL without being typed again).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, listener } from './support/servers';
import { startTarget, type Target } from './support/target';

const CLIENT_ID = 'reconnect-client';
const CLIENT_SECRET = 'Rk7v-stored-client-secret-9x2Q';
const PUBLIC = 'http://127.0.0.1:3999';

let target: Target;
/** The attacker's "provider": records everything, answers a device request as a provider would. */
let trap: Listener;
/** The provider the account really uses (never reached in these tests: it only names the token URL). */
const REAL_TOKEN_URL = 'http://127.0.0.1:9/oauth/token';

beforeAll(async () => {
  target = await startTarget({ MAILROOM_ALLOW_PRIVATE_HOSTS: 'true', MAILROOM_PUBLIC_URL: PUBLIC });
  trap = await listener({
    handler: (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url.startsWith('/device')) {
        res.end(
          JSON.stringify({
            device_code: 'dev-code',
            user_code: 'ABCD-EFGH',
            verification_uri: `${PUBLIC}/device`,
            expires_in: 600,
            interval: 60,
          }),
        );
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: 'invalid_grant' }));
      }
    },
  });
}, 120_000);

afterAll(async () => {
  await target?.close();
  await trap?.close();
});

/** An account of `teamId` whose outgoing part signs in with OAuth2 through a confidential client. */
async function oauthAccount(teamId: string, name: string): Promise<string> {
  const r = await target.admin.call('POST', '/api/v1/accounts', {
    name,
    teamId,
    outgoing: {
      transport: 'smtp',
      host: '127.0.0.1',
      port: 2525,
      security: 'none',
      from: { address: 'ann@example.com' },
      auth: {
        method: 'oauth2',
        username: 'ann@example.com',
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        refreshToken: 'stored-refresh-token',
        tokenUrl: REAL_TOKEN_URL,
      },
    },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.id;
}

const trapEndpoints = () => ({
  authorizationEndpoint: `${trap.url}/authorize`,
  tokenEndpoint: `${trap.url}/token`,
  deviceAuthorizationEndpoint: `${trap.url}/device`,
});

const leaked = () => trap.seen.filter((s) => s.body.includes(CLIENT_SECRET) || s.url.includes(CLIENT_SECRET));

describe('a reconnect never carries the stored client secret to endpoints the account does not use', () => {
  it('device flow: the stored secret does not reach a device endpoint the team admin names', async () => {
    const team = await target.team();
    const id = await oauthAccount(team, 'Reconnect device');
    const lead = await target.client('team_admin', [team]);
    const r = await lead.call('POST', '/api/v1/oauth/authorizations', {
      endpoints: trapEndpoints(),
      clientId: CLIENT_ID,
      flow: 'device',
      accountId: id,
    });
    expect(leaked()).toEqual([]);
    // Refused as PATCH refuses a changed token URL, naming the secret to type.
    expect(r.status, r.text).toBe(422);
    expect(r.body).toMatchObject({ code: 'secret_required', errors: [{ path: 'clientSecret' }] });
  });

  it('code flow: the stored secret does not reach a token endpoint the team admin names', async () => {
    const team = await target.team();
    const id = await oauthAccount(team, 'Reconnect code');
    const lead = await target.client('team_admin', [team]);
    const r = await lead.call('POST', '/api/v1/oauth/authorizations', {
      endpoints: trapEndpoints(),
      clientId: CLIENT_ID,
      flow: 'code',
      accountId: id,
    });
    if (r.status === 201) {
      // Started: the provider's answer (a code) comes back to the callback, which exchanges it.
      const state = new URL(r.body.authorizationUrl).searchParams.get('state') ?? '';
      await fetch(`${target.url}/api/v1/oauth/callback?state=${state}&code=c0de`, { redirect: 'manual' });
    }
    expect(leaked()).toEqual([]);
    expect(r.status, r.text).toBe(422);
    expect(r.body).toMatchObject({ code: 'secret_required', errors: [{ path: 'clientSecret' }] });
  });

  it('the account’s own token endpoint still gets the kept secret (nobody types it again)', async () => {
    const team = await target.team();
    const id = await oauthAccount(team, 'Reconnect same');
    const lead = await target.client('team_admin', [team]);
    const r = await lead.call('POST', '/api/v1/oauth/authorizations', {
      endpoints: { authorizationEndpoint: `${trap.url}/authorize`, tokenEndpoint: REAL_TOKEN_URL },
      clientId: CLIENT_ID,
      flow: 'code',
      accountId: id,
    });
    expect(r.status, r.text).toBe(201);
    // The authorization URL never carries a secret.
    expect(r.body.authorizationUrl).not.toContain(CLIENT_SECRET);
  });
});
