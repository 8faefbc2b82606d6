// A finished sign-in (POST /oauth/authorizations without an account) connects an account only for whoever
// started it: "this actor's". The attack: two API tokens with the same name (names are not unique), each a
// team admin of another team. The second takes the first one's sign-in (its refresh token, for the first
// team's mailbox) into an account of its own team, and reads where it stands. Ownership must be the token
// (or user) itself, not the name shown in logs.
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, startTarget, type Target, tokenClient } from './support/target';

const PUBLIC = 'http://127.0.0.1:3999';
const CLIENT_ID = 'owner-client';

let target: Target;
let mock: MockMailServer;
let endpoints: Record<string, unknown>;

beforeAll(async () => {
  mock = await startMockMailServer({
    host: '127.0.0.1',
    smtpPort: 0,
    smtpsPort: false,
    pop3Port: false,
    imapPort: false,
    imapsPort: false,
    httpPort: 0,
    log: () => {},
    oauth: { domains: ['oauth.mock.test'], clients: [{ clientId: CLIENT_ID }] },
  });
  endpoints = {
    authorizationEndpoint: `${mock.httpUrl}/oauth/authorize`,
    tokenEndpoint: `${mock.httpUrl}/oauth/token`,
    userinfoEndpoint: `${mock.httpUrl}/oauth/userinfo`,
    scopes: ['https://mail.google.com/', 'email'],
  };
  target = await startTarget({ MAILROOM_ALLOW_PRIVATE_HOSTS: 'true', MAILROOM_PUBLIC_URL: PUBLIC });
}, 120_000);

afterAll(async () => {
  await target?.close();
  await mock?.close();
});

/** A team admin token of `teamId` named `name` (another token may have the same name). */
async function teamAdmin(name: string, teamId: string): Promise<Client> {
  const r = await target.admin.call('POST', '/api/v1/tokens', {
    name,
    role: 'team_admin',
    teamIds: [teamId],
  });
  expect(r.status, r.text).toBe(201);
  return tokenClient(target.url, r.body.token);
}

/** A code-flow sign-in started by `who`, approved on the mock's consent page as `email`: its id. */
async function signIn(who: Client, email: string): Promise<string> {
  const started = await who.call('POST', '/api/v1/oauth/authorizations', {
    endpoints,
    clientId: CLIENT_ID,
    flow: 'code',
  });
  expect(started.status, started.text).toBe(201);
  const page = await fetch(started.body.authorizationUrl);
  const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const approved = await fetch(`${mock.httpUrl}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ nonce, email, decision: 'approve' }).toString(),
  });
  const back = new URL(approved.headers.get('location') ?? '');
  const res = await fetch(`${target.url}/api/v1/oauth/callback?${back.searchParams}`, { redirect: 'manual' });
  const status = await who.call('GET', `/api/v1/oauth/authorizations/${started.body.id}`);
  expect(res.headers.get('location'), status.text).toContain('oauth=connected');
  return started.body.id;
}

const accountInput = (teamId: string, name: string, oauthAuthorizationId: string) => ({
  name,
  teamId,
  outgoing: {
    transport: 'smtp',
    host: '127.0.0.1',
    port: mock.smtpPort,
    security: 'none',
    from: { address: 'x@oauth.mock.test' },
    auth: { method: 'oauth2', username: 'x', clientId: CLIENT_ID, tokenUrl: endpoints.tokenEndpoint },
  },
  oauthAuthorizationId,
});

describe('a sign-in belongs to the token or user that started it, not to a name', () => {
  it('a token with the same name in another team neither reads nor takes the sign-in', async () => {
    const red = await target.team('Red');
    const blue = await target.team('Blue');
    const redCi = await teamAdmin('ci', red);
    const blueCi = await teamAdmin('ci', blue);
    const id = await signIn(redCi, 'red-mailbox@oauth.mock.test');

    const read = await blueCi.call('GET', `/api/v1/oauth/authorizations/${id}`);
    expect(read.status, read.text).toBe(404);
    const taken = await blueCi.call('POST', '/api/v1/accounts', accountInput(blue, 'Blue takes red', id));
    expect(taken.status, taken.text).toBe(400);
    expect(taken.body.errors).toEqual([
      { path: 'oauthAuthorizationId', message: 'does not name a sign-in you started' },
    ]);

    // The token that started it still can, once.
    const own = await redCi.call('POST', '/api/v1/accounts', accountInput(red, 'Red own', id));
    expect(own.status, own.text).toBe(201);
    expect(own.body.outgoing.auth.username).toBe('red-mailbox@oauth.mock.test');
  });
});
