// Issue 16, "moving to Postgres": a quick-start installation on the embedded database, with every kind of
// row (accounts with secrets, messages and attempts, inbox mail, the Main Log, users, teams, sessions,
// tokens, defaults, verification codes, comments, sign-in counters), is copied by `mailroom db copy` into
// a fresh Postgres database; then the product starts on Postgres and everything is there, secrets included:
// a connection test that needs the stored password passes against a mock that checks it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestPgDatabase } from '@mailroom/core/testing';
import { startMockMailServer } from '@mailroom/mock-mailserver';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deployment,
  type MailroomProcess,
  signIn,
  spawnMailroom,
  startApi,
  until,
  withToken,
} from './support';

const SMTP = { user: 'sender@example.com', password: 'smtp-secret-3b7f' };
const POP3 = { user: 'inbox@example.org', password: 'pop3-secret-9c21' };

describe('mailroom db copy', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  it('moves an embedded installation to Postgres with everything in it', async () => {
    const mock = await startMockMailServer({
      smtpPort: 0,
      smtpsPort: false,
      pop3Port: 0,
      imapPort: false,
      imapsPort: false,
      httpPort: false,
      users: { [SMTP.user]: SMTP.password, [POP3.user]: POP3.password, 'verify@example.org': 'x' },
    });
    cleanups.push(() => mock.close());
    const d = deployment();
    cleanups.push(d.remove);
    // The quick start's way: no MAILROOM_SECRET_KEY, a key file made in the data directory.
    delete d.env.MAILROOM_SECRET_KEY;
    const procs: MailroomProcess[] = [];
    cleanups.push(async () => {
      for (const p of procs) await p.kill();
    });

    // 1. The embedded installation, with a row of every kind.
    const embedded = await startApi(d.env);
    procs.push(embedded);
    const api = await signIn(embedded.url);
    const team = await api('POST', '/teams', { name: 'Sales' });
    expect(team.status).toBe(201);
    const account = await api('POST', '/accounts', {
      name: 'Moved',
      teamId: team.body.id,
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        auth: { method: 'password', username: SMTP.user, password: SMTP.password },
        from: { address: SMTP.user },
        sendMode: 'queued',
      },
      incoming: {
        protocol: 'pop3',
        host: '127.0.0.1',
        port: mock.pop3Port,
        security: 'none',
        auth: { method: 'password', username: POP3.user, password: POP3.password },
      },
    });
    expect(account.status).toBe(201);
    const id = account.body.id as string;
    expect(
      (await api('PUT', '/defaults', { teamId: team.body.id, direction: 'outgoing', accountId: id })).status,
    ).toBe(200);
    expect((await api('POST', `/accounts/${id}/comments`, { body: 'Moved to Postgres' })).status).toBe(201);
    const user = await api('POST', '/users', {
      email: 'ops@example.com',
      name: 'Ops',
      password: 'a long enough password',
      role: 'admin',
      teamIds: [team.body.id],
    });
    expect(user.status).toBe(201);
    const token = await api('POST', '/tokens', { name: 'integrator', role: 'admin' });
    expect(token.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const sent = await api('POST', '/messages', {
        accountId: id,
        to: [POP3.user],
        subject: `Before the move ${i}`,
        text: 'x',
        mode: 'immediate',
      });
      expect(sent.body.status).toBe('sent');
    }
    const fetched = await api('POST', `/accounts/${id}/fetch`);
    expect(fetched.status).toBe(200);
    expect((await api('GET', '/inbox?pageSize=1')).body.total).toBe(5);
    expect((await api('POST', `/accounts/${id}/verification`, { to: 'verify@example.org' })).status).toBe(
      202,
    );
    // A failed sign-in: a throttling counter.
    await fetch(`${embedded.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.com', password: 'wrong password here' }),
    });
    const before = {
      messages: (await api('GET', '/messages?pageSize=1&internal=true')).body.total,
      logs: (await api('GET', '/logs?pageSize=1')).body.total,
    };
    await embedded.stop();

    // 2. The copy.
    const pg = await createTestPgDatabase();
    cleanups.push(() => pg.drop());
    const copy = spawnMailroom(['db', 'copy', '--to', pg.url], d.env);
    procs.push(copy);
    await copy.waitFor(/Keep the data directory/);
    await until('the copy to exit', () => copy.proc.exitCode !== null);
    expect(copy.proc.exitCode).toBe(0);
    const keyFile = join(d.dataDir, 'secret.key');
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(copy.output()).toMatch(/Verified: \d+ tables, \d+ rows, the same counts on both sides\./);
    // A row of every kind was there to copy.
    const copied = new Map(
      [...copy.output().matchAll(/^ {2}(\w+) +(\d+) rows$/gm)].map((m) => [m[1]!, Number(m[2])]),
    );
    for (const table of [
      'teams',
      'users',
      'user_teams',
      'sessions',
      'api_tokens',
      'login_attempts',
      'accounts',
      'account_events',
      'account_comments',
      'account_defaults',
      'verification_codes',
      'messages',
      'message_attempts',
      'inbox_messages',
      'incoming_state',
      'logs',
    ]) {
      expect(copied.get(table), table).toBeGreaterThan(0);
    }
    expect(copy.output()).toContain(`MAILROOM_SECRET_KEY: the contents of ${keyFile}`);
    expect(copy.output()).toContain('MAILROOM_DATABASE_URL=');
    // The key is never printed, only where it is.
    expect(copy.output()).not.toContain(key.split(':').at(-1)!);
    expect(copy.output()).not.toContain(SMTP.password);
    // A second copy finds the target full and refuses.
    const again = spawnMailroom(['db', 'copy', '--to', pg.url], d.env);
    procs.push(again);
    await again.waitFor(/Refused: the target database is not empty/);

    // 3. The product on Postgres, with the key from the file.
    const onPg = await startApi({ ...d.env, MAILROOM_DATABASE_URL: pg.url, MAILROOM_SECRET_KEY: key });
    procs.push(onPg);
    // The banner's lines come after "running at", maybe in a later chunk of the output: wait for it.
    await onPg.waitFor(/Storage: Postgres/);
    const moved = await signIn(onPg.url);
    expect((await moved('GET', `/accounts/${id}`)).body.name).toBe('Moved');
    expect((await moved('GET', '/messages?pageSize=1&internal=true')).body.total).toBe(before.messages);
    expect((await moved('GET', '/inbox?pageSize=1')).body.total).toBe(5);
    expect((await moved('GET', '/logs?pageSize=1')).body.total).toBeGreaterThanOrEqual(before.logs);
    expect((await moved('GET', '/users')).body.items.map((u: { email: string }) => u.email)).toContain(
      'ops@example.com',
    );
    expect((await moved('GET', '/defaults')).status).toBe(200);
    expect((await moved('GET', `/accounts/${id}/comments`)).body.items[0].body).toBe('Moved to Postgres');
    expect((await moved('GET', `/accounts/${id}/verification`)).body.pending.to).toBe('verify@example.org');
    expect((await withToken(onPg.url, token.body.token)('GET', '/accounts')).status).toBe(200);
    // The stored secrets decrypt: the mock accepts only the right passwords.
    const smtpTest = await moved('POST', `/accounts/${id}/test`, { direction: 'outgoing' });
    expect(smtpTest.body.ok).toBe(true);
    const popTest = await moved('POST', `/accounts/${id}/test`, { direction: 'incoming' });
    expect(popTest.body.ok).toBe(true);
    // And it sends on Postgres, through the copied account and its secret.
    const after = await moved('POST', '/messages', {
      accountId: id,
      to: ['after@example.org'],
      subject: 'After the move',
      text: 'x',
      mode: 'immediate',
    });
    expect(after.body.status).toBe('sent');
  }, 600_000);
});
