import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { eq, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTimeline } from '../accounts/comments';
import { createAccount } from '../accounts/createAccount';
import { getAccount } from '../accounts/getAccount';
import { listAccounts } from '../accounts/listAccounts';
import { updateAccount } from '../accounts/updateAccount';
import { testAccount } from '../connection/testAccount';
import { testConnection } from '../connection/testConnection';
import * as tables from '../db/schema';
import { verifyDkim } from '../door';
import { MailroomError } from '../errors';
import { sendMessage } from '../outbox/sendMessage';
import type { AccountView } from '../schemas/account';
import { backends, createTestEnv, startTestDnsServer, type TestDnsServer, type TestEnv } from '../testing';
import { sesSendEmailBody } from '../transports/ses/transport';
import { dkimDnsRecord, generateDkimKey } from './keys';

/** A line from the middle of a PEM key: what any leak of the key would carry. */
const keyLines = (pem: string) =>
  pem
    .split('\n')
    .filter((l) => l.length >= 40 && !l.startsWith('-----'))
    .slice(1, 4);

describe('DKIM signing (per account)', () => {
  let env: TestEnv;
  let threaded: TestEnv;
  let mock: MockMailServer;
  let dns: TestDnsServer;
  let dir: string;
  const sendmailPath = () => join(dir, 'fake-sendmail');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mailroom-dkim-'));
    dns = await startTestDnsServer({});
    env = await createTestEnv('pglite', { sendmailPaths: [join(dir, 'fake-sendmail')] });
    // The same through the delivery thread, where pooled SMTP sends are composed and signed.
    threaded = await createTestEnv('pglite', {}, { smtp: { thread: true } });
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: 0 });
    writeFileSync(sendmailPath(), `#!/bin/sh\ncat > ${join(dir, 'out.eml')}\n`);
    chmodSync(sendmailPath(), 0o755);
  }, 60_000);
  afterAll(async () => {
    await mock?.close();
    await env?.close();
    await threaded?.close();
    await dns?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const verify = async (raw: Buffer | string) => verifyDkim(raw, { servers: [dns.server], timeoutMs: 3000 });
  const publish = (view: AccountView) => {
    const record = view.outgoing?.dkim?.record;
    if (!record) throw new Error('no DKIM record in the view');
    dns.zone[record.name] = { TXT: [record.value] };
    return record;
  };
  const smtpPart = (dkim: Record<string, unknown>, from = 'sales@shop.test') => ({
    transport: 'smtp' as const,
    host: '127.0.0.1',
    port: mock.smtpPort,
    security: 'none' as const,
    from: { address: from },
    dkim,
  });
  const sendVia = async (e: TestEnv, accountId: string, subject: string) => {
    const res = await sendMessage({
      ctx: e.ctx,
      input: {
        accountId,
        to: ['ann@example.org'],
        subject,
        text: 'Signed, sealed, delivered.',
        mode: 'immediate',
      },
    });
    expect(res.message.status).toBe('sent');
    const got = await mock.waitFor({ subject, timeoutMs: 10_000 });
    return (await mock.raw(got.id))!;
  };

  it('generates a key on save, shows only the record, and signs SMTP mail that verifies (pooled and threaded)', async () => {
    for (const [e, name] of [
      [env, 'Signed SMTP'],
      [threaded, 'Signed SMTP threaded'],
    ] as const) {
      const view = await createAccount({
        ctx: e.ctx,
        input: { name, outgoing: smtpPart({ selector: 'mr2026', generateKey: true }) },
      });
      expect(view.outgoing?.dkim).toMatchObject({
        enabled: true,
        domain: 'shop.test',
        selector: 'mr2026',
        privateKeySet: true,
        record: {
          name: 'mr2026._domainkey.shop.test',
          type: 'TXT',
          value: expect.stringMatching(/^v=DKIM1; k=rsa; p=/),
        },
      });
      expect(JSON.stringify(view)).not.toMatch(/PRIVATE KEY|privateKey"/);
      publish(view);
      const raw = await sendVia(e, view.id, `DKIM over SMTP (${name})`);
      expect(raw.toString()).toMatch(/^DKIM-Signature: [\s\S]*?d=shop\.test;\s[\s\S]*?s=mr2026;/);
      expect(await verify(raw)).toEqual([{ domain: 'shop.test', selector: 'mr2026', result: 'pass' }]);
    }
  }, 60_000);

  it('signs what it pipes to sendmail', async () => {
    const privateKey = generateDkimKey();
    const view = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'Signed sendmail',
        outgoing: {
          transport: 'sendmail',
          path: sendmailPath(),
          from: { address: 'app@mail.shop.test' },
          dkim: { domain: 'mail.shop.test', selector: 'sm', privateKey },
        },
      },
    });
    const record = publish(view);
    expect(record).toEqual(dkimDnsRecord({ domain: 'mail.shop.test', selector: 'sm', privateKey }));
    const res = await sendMessage({
      ctx: env.ctx,
      input: {
        accountId: view.id,
        to: ['ops@example.org'],
        subject: 'Via sendmail',
        text: 'hi',
        mode: 'immediate',
      },
    });
    expect(res.message.status).toBe('sent');
    const raw = readFileSync(join(dir, 'out.eml'));
    expect(await verify(raw)).toEqual([{ domain: 'mail.shop.test', selector: 'sm', result: 'pass' }]);
  }, 30_000);

  it('signs the raw message handed to Amazon SES', async () => {
    const privateKey = generateDkimKey();
    const record = dkimDnsRecord({ domain: 'ses.shop.test', selector: 'ses', privateKey });
    dns.zone[record.name] = { TXT: [record.value] };
    const body = await sesSendEmailBody(
      {
        messageId: '<ses-1@ses.shop.test>',
        from: { address: 'news@ses.shop.test' },
        to: ['ann@example.org'],
        cc: [],
        bcc: [],
        subject: 'Via SES',
        text: 'Signed before SES adds its own.',
        headers: {},
        attachments: [],
        envelopeTo: ['ann@example.org'],
      },
      { dkim: { enabled: true, domain: 'ses.shop.test', selector: 'ses', privateKey } },
    );
    const raw = Buffer.from(JSON.parse(body).Content.Raw.Data, 'base64');
    expect(await verify(raw)).toEqual([{ domain: 'ses.shop.test', selector: 'ses', result: 'pass' }]);
  });

  it('takes a key whose line breaks were lost in the paste', async () => {
    const privateKey = generateDkimKey();
    const oneLine = privateKey.replace(/\n/g, ' ');
    const view = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'One-line key',
        outgoing: smtpPart({ selector: 'one', privateKey: oneLine }, 'a@one.test'),
      },
    });
    expect(view.outgoing?.dkim?.record).toEqual(
      dkimDnsRecord({ domain: 'one.test', selector: 'one', privateKey }),
    );
  });

  it('fails verification when the published key is not the signing one', async () => {
    const view = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'Wrong key',
        outgoing: smtpPart(
          { domain: 'wrong.test', selector: 'k1', privateKey: generateDkimKey() },
          'a@wrong.test',
        ),
      },
    });
    const other = dkimDnsRecord({ domain: 'wrong.test', selector: 'k1', privateKey: generateDkimKey() });
    dns.zone[other.name] = { TXT: [other.value] };
    const raw = await sendVia(env, view.id, 'DKIM wrong key');
    expect((await verify(raw))[0]?.result).toBe('fail');
  }, 30_000);

  it('keeps the key and its record across other changes; turning signing off stops signing; a new key replaces the record', async () => {
    const created = await createAccount({
      ctx: env.ctx,
      input: { name: 'Kept key', outgoing: smtpPart({ selector: 'keep', generateKey: true }, 'k@keep.test') },
    });
    const record = created.outgoing!.dkim!.record!;
    // Another server: the DKIM key never leaves this one, so it need not be typed again.
    const moved = await updateAccount({
      ctx: env.ctx,
      id: created.id,
      input: { outgoing: { host: 'localhost', rateLimitPerMinute: 10 } },
    });
    expect(moved.outgoing?.dkim?.record).toEqual(record);
    const off = await updateAccount({
      ctx: env.ctx,
      id: created.id,
      input: { outgoing: { dkim: { enabled: false } } },
    });
    expect(off.outgoing?.dkim).toMatchObject({ enabled: false, privateKeySet: true, record });
    await updateAccount({ ctx: env.ctx, id: created.id, input: { outgoing: { host: '127.0.0.1' } } });
    const unsigned = await sendVia(env, created.id, 'DKIM off');
    expect(unsigned.toString()).not.toContain('DKIM-Signature');
    const renewed = await updateAccount({
      ctx: env.ctx,
      id: created.id,
      input: { outgoing: { dkim: { enabled: true, generateKey: true } } },
    });
    expect(renewed.outgoing?.dkim?.record?.name).toBe('keep._domainkey.keep.test');
    expect(renewed.outgoing?.dkim?.record?.value).not.toBe(record.value);
    const cleared = await updateAccount({
      ctx: env.ctx,
      id: created.id,
      input: { outgoing: { dkim: { enabled: false, privateKey: null } } },
    });
    expect(cleared.outgoing?.dkim).toMatchObject({ privateKeySet: false, record: null });
  }, 30_000);

  it('the timeline names what the admin changed: the key, never the record derived from it', async () => {
    const created = await createAccount({
      ctx: env.ctx,
      input: { name: 'Timeline key', outgoing: smtpPart({ selector: 'tl', generateKey: true }, 't@tl.test') },
    });
    const update = (dkim: Record<string, unknown>) =>
      updateAccount({ ctx: env.ctx, id: created.id, input: { outgoing: { dkim } } });
    await update({ generateKey: true });
    await update({ selector: 'tl2', privateKey: generateDkimKey() });
    await update({ enabled: false, privateKey: null });
    const updates = (await listTimeline({ ctx: env.ctx, id: created.id })).filter(
      (e) => e.type === 'updated',
    );
    expect(updates.map((e) => e.summary).reverse()).toEqual([
      'Changed outgoing.dkim.privateKey',
      'Changed outgoing.dkim.selector, outgoing.dkim.privateKey',
      'Changed outgoing.dkim.enabled, outgoing.dkim.privateKey',
    ]);
    expect(JSON.stringify(updates)).not.toContain('recordValue');
  });

  it('the form can test settings whose key is still to be generated or is stored', async () => {
    const result = await testConnection({
      ctx: env.ctx,
      input: { direction: 'outgoing', outgoing: smtpPart({ enabled: true, generateKey: true }) },
    });
    expect(result.ok).toBe(true);
  });

  it('refuses what cannot sign: no key, a key that is not one, DKIM on Mailgun', async () => {
    const attempt = async (outgoing: Record<string, unknown>) => {
      try {
        await createAccount({ ctx: env.ctx, input: { name: `Refused ${Math.random()}`, outgoing } });
      } catch (err) {
        return err as MailroomError;
      }
      throw new Error('accepted');
    };
    const none = await attempt(smtpPart({ selector: 's' }));
    expect(none.errors).toEqual([
      { path: 'outgoing.dkim.privateKey', message: expect.stringMatching(/required/) },
    ]);
    const junk = await attempt(smtpPart({ privateKey: 'not a key at all' }));
    expect(junk).toBeInstanceOf(MailroomError);
    expect(junk.errors?.[0]?.path).toBe('outgoing.dkim.privateKey');
    expect(JSON.stringify(junk)).not.toContain('not a key at all');
    const mailgun = await attempt({
      transport: 'mailgun',
      domain: 'mg.shop.test',
      apiKey: 'key-x',
      from: { address: 'a@mg.shop.test' },
      dkim: { generateKey: true },
    });
    expect(mailgun.errors?.[0]).toMatchObject({
      path: 'outgoing.dkim',
      message: expect.stringMatching(/own DKIM/),
    });
  });

  it('never shows the private key: responses, timeline, Main Log, transcripts, errors', async () => {
    const privateKey = generateDkimKey();
    const lines = keyLines(privateKey);
    expect(lines).toHaveLength(3);
    const seen: unknown[] = [];
    const view = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'Leak check',
        debug: true,
        outgoing: smtpPart({ domain: 'leak.test', selector: 'lk', privateKey }, 'x@leak.test'),
      },
    });
    seen.push(view);
    publish(view);
    seen.push(await updateAccount({ ctx: env.ctx, id: view.id, input: { label: 'checked' } }));
    seen.push(await getAccount({ ctx: env.ctx, id: view.id }));
    seen.push(await listAccounts({ ctx: env.ctx, input: {} }));
    // A saved test (debug on: the transcript is kept) and the form's test of unsaved settings.
    seen.push(await testAccount({ ctx: env.ctx, id: view.id, input: { direction: 'outgoing' } }));
    seen.push(
      await testConnection({
        ctx: env.ctx,
        input: {
          accountId: view.id,
          direction: 'outgoing',
          outgoing: smtpPart({ domain: 'leak.test', selector: 'lk' }, 'x@leak.test'),
        },
      }),
    );
    // A send (debug on: the attempt carries nodemailer's transcript) and a failed one.
    seen.push(
      await sendVia(env, view.id, 'Leak check send').then((raw) => raw.toString().split('\r\n\r\n')[0]),
    );
    mock.faults.set([{ stage: 'rcpt', match: 'fail@example.org', code: 451, message: 'Try later' }]);
    try {
      seen.push(
        await sendMessage({
          ctx: env.ctx,
          input: {
            accountId: view.id,
            to: ['fail@example.org'],
            subject: 'Leak check fail',
            text: 'x',
            mode: 'immediate',
          },
        }).catch((err: unknown) => err),
      );
    } finally {
      mock.faults.clear();
    }
    // A refused key: the error names the field, not the value.
    seen.push(
      await updateAccount({
        ctx: env.ctx,
        id: view.id,
        input: { outgoing: { dkim: { privateKey: privateKey.replace('MII', 'XII') } } },
      }).catch((err: unknown) => ({ ...(err as MailroomError), message: (err as Error).message })),
    );
    // Every row of every table: timeline events, Main Log rows, attempts with transcripts, messages …
    for (const table of Object.values(tables)) {
      if (is(table, PgTable)) seen.push(await env.ctx.db.select().from(table));
    }
    const text = JSON.stringify(seen);
    expect(text).toContain('lk._domainkey.leak.test');
    expect(text).toContain('Leak check fail');
    for (const line of lines) expect(text).not.toContain(line);
    expect(text).not.toContain('PRIVATE KEY');
  }, 60_000);
});

describe.each(backends)('the DKIM key at rest (%s)', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  it('is stored encrypted in the secrets map, its record kept in clear across updates', async () => {
    const privateKey = generateDkimKey();
    const view = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'At rest',
        outgoing: {
          transport: 'smtp',
          host: 'smtp.rest.test',
          from: { address: 'a@rest.test' },
          dkim: { selector: 'rest', privateKey },
        },
      },
    });
    const moved = await updateAccount({
      ctx: env.ctx,
      id: view.id,
      input: { outgoing: { host: 'smtp2.rest.test', dkim: { selector: 'rest2' } } },
    });
    expect(moved.outgoing?.dkim).toMatchObject({
      selector: 'rest2',
      privateKeySet: true,
      record: { name: 'rest2._domainkey.rest.test', value: view.outgoing!.dkim!.record!.value },
    });
    const [row] = await env.ctx.db.select().from(tables.accounts).where(eq(tables.accounts.id, view.id));
    expect(Object.keys(row!.secrets)).toEqual(['outgoing.dkim.privateKey']);
    expect(env.ctx.secrets.decrypt(row!.secrets['outgoing.dkim.privateKey']!)).toBe(privateKey);
    expect(JSON.stringify(row)).not.toContain(keyLines(privateKey)[0]);
  });
});
