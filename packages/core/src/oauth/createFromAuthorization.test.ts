// An account created (or changed) from a finished OAuth2 sign-in: the code flow and the device flow
// started without an account, then `oauthAuthorizationId` on create/update. Single use, this actor's,
// within the hour; field-named refusals otherwise.
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { getAccount } from '../accounts/getAccount';
import { updateAccount } from '../accounts/updateAccount';
import { testConnection } from '../connection/testConnection';
import type { Ctx } from '../context';
import { accountEvents, oauthAuthorizations } from '../db/schema';
import { MailroomError } from '../errors';
import { sendMessage } from '../outbox/sendMessage';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { accountAccessToken, OAuthRevoked } from './accessTokens';
import { completeCallback } from './completeCallback';
import { getAuthorization } from './getAuthorization';
import { endpointsFromMetadata } from './providers';
import { startAuthorization } from './startAuthorization';
import { consent } from './testkit';

const PUBLIC = 'http://127.0.0.1:3999';

describe.each(backends)('accounts from an OAuth2 sign-in (%s)', (backend) => {
  let env: TestEnv;
  let mock: MockMailServer;
  let endpoints: ReturnType<typeof endpointsFromMetadata>;

  beforeAll(async () => {
    env = await createTestEnv(backend);
    mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: false,
      imapPort: false,
      imapsPort: false,
      oauth: {
        domains: ['oauth.mock.test'],
        // `confidential` must present its secret at the token endpoint, as Google's and Microsoft's web clients do.
        clients: [{ clientId: 'mailroom' }, { clientId: 'confidential', clientSecret: 'client-s3cret' }],
      },
    });
    const meta = (await (
      await fetch(`${mock.httpUrl}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    endpoints = endpointsFromMetadata(meta, ['https://mail.google.com/', 'email']);
  });
  afterAll(async () => {
    await mock?.close();
    await env?.close();
  });

  /** A code flow started without an account, approved on the mock's consent page as `email`. */
  async function signIn(email: string, clientSecret?: string, ctx: Ctx = env.ctx): Promise<string> {
    const started = await startAuthorization({
      ctx,
      input: {
        endpoints,
        clientId: clientSecret ? 'confidential' : 'mailroom',
        flow: 'code',
        ...(clientSecret ? { clientSecret } : {}),
      },
      options: { publicUrl: PUBLIC },
    });
    if (started.flow !== 'code') throw new Error('expected a code flow');
    const query = await consent(mock.httpUrl, started.authorizationUrl, email);
    const result = await completeCallback({ ctx: env.ctx, input: query });
    expect(result).toMatchObject({ result: 'connected', accountId: null });
    return started.id;
  }

  let n = 0;
  /** An account whose outgoing part signs in with OAuth2; the sign-in's fields are placeholders. */
  const input = (oauthAuthorizationId?: string, refreshToken?: string) => ({
    name: `From sign-in ${backend} ${++n}`,
    outgoing: {
      transport: 'smtp',
      host: '127.0.0.1',
      port: mock.smtpPort,
      security: 'none',
      from: { address: 'ann@oauth.mock.test' },
      auth: {
        method: 'oauth2',
        username: 'typed-before-the-sign-in',
        clientId: 'mailroom',
        tokenUrl: endpoints.tokenEndpoint,
        ...(refreshToken ? { refreshToken } : {}),
      },
    },
    ...(oauthAuthorizationId ? { oauthAuthorizationId } : {}),
  });

  const refusal = async (p: Promise<unknown>) => {
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailroomError);
    return err as MailroomError;
  };

  it('creates an account from a code-flow sign-in: identity as username, tokens and client secret stored; it sends with them', async () => {
    const id = await signIn('ann@oauth.mock.test', 'client-s3cret');
    const account = await createAccount({ ctx: env.ctx, input: input(id) });
    expect((account.outgoing as { auth?: unknown } | null)?.auth).toMatchObject({
      method: 'oauth2',
      username: 'ann@oauth.mock.test',
      clientId: 'confidential',
      tokenUrl: endpoints.tokenEndpoint,
      hasToken: true,
      hasClientSecret: true,
    });
    // The authorization is used up and keeps no secret; it names the account now.
    const view = await getAuthorization({ ctx: env.ctx, id });
    expect(view).toMatchObject({ status: 'connected', accountId: account.id });
    expect(view.usedAt).not.toBeNull();
    const [row] = await env.ctx.db.select().from(oauthAuthorizations).where(eq(oauthAuthorizations.id, id));
    expect(row?.secrets).toEqual({});
    const events = await env.ctx.db
      .select()
      .from(accountEvents)
      .where(eq(accountEvents.accountId, account.id));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'oauth_connected']));

    const sent = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: account.id,
        to: ['dora@example.org'],
        subject: `From a sign-in ${backend}`,
        text: 'Hello',
        mode: 'immediate',
      },
    });
    expect(sent.message.status).toBe('sent');

    // Single use.
    const again = await refusal(createAccount({ ctx: env.ctx, input: input(id) }));
    expect(again.errors).toEqual([
      { path: 'oauthAuthorizationId', message: expect.stringContaining('already used') },
    ]);
  });

  it('creates an account from a device-flow sign-in', async () => {
    // The poller polls when the test lets it: after the approval.
    let release = () => {};
    const gate = new Promise<void>((ok) => (release = ok));
    let poll: Promise<void> = Promise.resolve();
    const started = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'mailroom', flow: 'device' },
      options: { sleep: () => gate, onPoll: (p) => (poll = p) },
    });
    if (started.flow !== 'device') throw new Error('expected a device flow');
    // Pending: not yet usable.
    const early = await refusal(createAccount({ ctx: env.ctx, input: input(started.id) }));
    expect(early.errors?.[0]).toMatchObject({
      path: 'oauthAuthorizationId',
      message: expect.stringContaining('not finished'),
    });
    const page = await fetch(`${mock.httpUrl}/oauth/device?user_code=${started.userCode}`);
    const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    await fetch(`${mock.httpUrl}/oauth/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce, email: 'bob@oauth.mock.test', decision: 'approve' }).toString(),
    });
    release();
    await poll;
    expect((await getAuthorization({ ctx: env.ctx, id: started.id })).status).toBe('connected');
    const account = await createAccount({ ctx: env.ctx, input: input(started.id) });
    expect((account.outgoing as { auth?: unknown } | null)?.auth).toMatchObject({
      username: 'bob@oauth.mock.test',
      hasToken: true,
      hasClientSecret: false,
    });
  });

  it('refuses, naming oauthAuthorizationId: unknown, another actor’s, expired; and without a sign-in or a refresh token', async () => {
    const unknown = await refusal(createAccount({ ctx: env.ctx, input: input('no-such-sign-in') }));
    expect(unknown.code).toBe('validation_failed');
    expect(unknown.errors).toEqual([
      { path: 'oauthAuthorizationId', message: 'does not name a sign-in you started' },
    ]);

    const id = await signIn('cy@oauth.mock.test');
    const other = { ...env.ctx, actor: { ...env.ctx.actor, label: 'someone-else@example.org' } };
    const foreign = await refusal(createAccount({ ctx: other, input: input(id) }));
    expect(foreign.errors).toEqual(unknown.errors);

    const late = { ...env.ctx, now: () => new Date(Date.now() + 61 * 60_000) };
    const expired = await refusal(createAccount({ ctx: late, input: input(id) }));
    expect(expired.errors?.[0]).toMatchObject({
      path: 'oauthAuthorizationId',
      message: expect.stringContaining('expired'),
    });
    // The refresh token it held is gone with it.
    const [row] = await env.ctx.db.select().from(oauthAuthorizations).where(eq(oauthAuthorizations.id, id));
    expect(row).toMatchObject({ status: 'expired', secrets: {} });

    const neither = await refusal(createAccount({ ctx: env.ctx, input: input() }));
    expect(neither.errors).toEqual([
      { path: 'outgoing.auth.refreshToken', message: expect.stringContaining('oauthAuthorizationId') },
    ]);

    // A sign-in for an account that has no OAuth2 part says so.
    const id2 = await signIn('cy@oauth.mock.test');
    const password = {
      ...input(id2),
      outgoing: {
        ...input().outgoing,
        auth: { method: 'password', username: 'cy', password: 'pw' },
      },
    };
    const noPart = await refusal(createAccount({ ctx: env.ctx, input: password }));
    expect(noPart.errors?.[0]?.path).toBe('oauthAuthorizationId');
  });

  it('a refused Save leaves the sign-in usable (the transaction rolls back); PATCH connects an existing account', async () => {
    const first = await createAccount({ ctx: env.ctx, input: input(undefined, 'pasted-refresh-token') });
    const id = await signIn('dee@oauth.mock.test', 'client-s3cret');
    const taken = await refusal(createAccount({ ctx: env.ctx, input: { ...input(id), name: first.name } }));
    expect(taken.code).toBe('name_taken');

    // The same sign-in, on PATCH: the existing account takes the identity and the tokens.
    const updated = await updateAccount({ ctx: env.ctx, id: first.id, input: { oauthAuthorizationId: id } });
    expect((updated.outgoing as { auth?: unknown } | null)?.auth).toMatchObject({
      username: 'dee@oauth.mock.test',
      hasToken: true,
      hasClientSecret: true,
    });
    const got = await getAccount({ ctx: env.ctx, id: first.id });
    expect((got.outgoing as { auth?: { username?: string } } | null)?.auth?.username).toBe(
      'dee@oauth.mock.test',
    );
    const again = await refusal(
      updateAccount({ ctx: env.ctx, id: first.id, input: { oauthAuthorizationId: id } }),
    );
    expect(again.errors?.[0]?.path).toBe('oauthAuthorizationId');
  });

  it('a reconnect with the same client reuses the stored client secret (nobody types it again)', async () => {
    const account = await createAccount({
      ctx: env.ctx,
      input: input(await signIn('fay@oauth.mock.test', 'client-s3cret')),
    });
    mock.oauth.revoke({ identity: 'fay@oauth.mock.test' });
    const lost = await accountAccessToken(env.ctx, account.id, 'outgoing', { renew: true }).catch(
      (e: unknown) => e,
    );
    expect(lost).toBeInstanceOf(OAuthRevoked);
    expect((await getAccount({ ctx: env.ctx, id: account.id })).health).toBe('auth_failed');

    // The reconnect names the client only; the token endpoint refuses `confidential` without its secret.
    const started = await startAuthorization({
      ctx: env.ctx,
      input: { endpoints, clientId: 'confidential', flow: 'code', accountId: account.id },
      options: { publicUrl: PUBLIC },
    });
    if (started.flow !== 'code') throw new Error('expected a code flow');
    const query = await consent(mock.httpUrl, started.authorizationUrl, 'fay@oauth.mock.test');
    // The callback comes without a session: the reconnect is recorded as the doing of who started it.
    const callback = { ...env.ctx, actor: { ...env.ctx.actor, label: 'oauth-callback' } };
    expect(await completeCallback({ ctx: callback, input: query })).toMatchObject({
      result: 'connected',
      accountId: account.id,
    });
    const connectedEvents = await env.ctx.db
      .select()
      .from(accountEvents)
      .where(and(eq(accountEvents.accountId, account.id), eq(accountEvents.type, 'oauth_connected')));
    expect(connectedEvents.map((e) => e.actor)).toEqual([env.ctx.actor.label, env.ctx.actor.label]);
    expect((await getAccount({ ctx: env.ctx, id: account.id })).updatedBy).toBe(env.ctx.actor.label);
    const got = await getAccount({ ctx: env.ctx, id: account.id });
    expect(got.health).not.toBe('auth_failed');
    expect((got.outgoing as { auth?: unknown } | null)?.auth).toMatchObject({ hasClientSecret: true });
    // The refresh presents the kept secret too.
    const token = await accountAccessToken(env.ctx, account.id, 'outgoing', { renew: true });
    expect(token.accessToken).toBeTruthy();
  });

  it('the form’s test before Save signs in with the sign-in’s token; nothing is used up; the account then sends', async () => {
    const who = 'gus@oauth.mock.test';
    const id = await signIn(who, 'client-s3cret');
    const outgoing = {
      ...input().outgoing,
      from: { address: who },
      auth: { method: 'oauth2', username: who, clientId: 'confidential', tokenUrl: endpoints.tokenEndpoint },
    };
    const tested = await testConnection({
      ctx: env.ctx,
      input: { direction: 'outgoing', outgoing, oauthAuthorizationId: id },
    });
    expect(tested.ok, JSON.stringify(tested.error)).toBe(true);
    expect(tested.steps.find((s) => s.step === 'authenticate')?.detail).toMatchObject({
      mechanism: 'XOAUTH2',
    });
    // Not used up; the refresh token the mock rotated is the one the sign-in keeps.
    expect((await getAuthorization({ ctx: env.ctx, id })).usedAt).toBeNull();
    expect(mock.oauth.grants({ identity: who })[0]).toMatchObject({ revokedAt: null });

    const account = await createAccount({
      ctx: env.ctx,
      input: { name: `Tested first ${backend}`, outgoing, oauthAuthorizationId: id },
    });
    const sent = await sendMessage({
      ctx: env.ctx,
      input: { accountId: account.id, to: ['dora@example.org'], subject: 'x', text: 'x', mode: 'immediate' },
    });
    expect(sent.message.status).toBe('sent');

    // A used sign-in cannot test either, and says which field.
    const used = await refusal(
      testConnection({ ctx: env.ctx, input: { direction: 'outgoing', outgoing, oauthAuthorizationId: id } }),
    );
    expect(used.errors?.[0]?.path).toBe('oauthAuthorizationId');
  });
});
