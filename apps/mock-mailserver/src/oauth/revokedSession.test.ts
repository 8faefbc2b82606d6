import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../server.js';
import { LineClient } from '../test-support/line-client.js';
import { signIn } from '../test-support/oauth.js';

// A revoked grant ends the SMTP sessions signed in with it: a pooled connection that authenticated before
// the revoke gets a 421 at its next MAIL FROM (and is closed), so a client notices the revoke at its next
// send instead of sending on. An access token that merely expired does not end a session.

const ANN = 'ann@oauth.mock.test';
let mock: MockMailServer;

beforeEach(async () => {
  mock = await startMockMailServer({ oauth: { domains: ['oauth.mock.test'] } });
});
afterEach(async () => {
  await mock.close();
});

const xoauth2 = (user: string, token: string) =>
  Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');

describe('SMTP sessions of a revoked grant', () => {
  it('answer 421 at the next transaction once the grant is revoked; an expired token ends nothing', async () => {
    const tokens = await signIn(mock, ANN);
    const client = await LineClient.connect(mock.smtpPort);
    try {
      await client.smtpReply();
      await client.smtp('EHLO test');
      expect(await client.smtp(`AUTH XOAUTH2 ${xoauth2(ANN, tokens.access_token)}`)).toMatch(/^235 /);
      expect(await client.smtp(`MAIL FROM:<${ANN}>`)).toMatch(/^250 /);
      expect(await client.smtp('RSET')).toMatch(/^250 /);
      // Expired, not revoked: the signed-in session goes on (sessions outlive tokens).
      mock.oauth.expireAccessTokens({ identity: ANN });
      expect(await client.smtp(`MAIL FROM:<${ANN}>`)).toMatch(/^250 /);
      expect(await client.smtp('RSET')).toMatch(/^250 /);
      mock.oauth.revoke({ identity: ANN });
      expect(await client.smtp(`MAIL FROM:<${ANN}>`)).toMatch(/^421 .*grant of this session was revoked/);
    } finally {
      client.close();
    }
  });
});
