import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FaultRuleError, type MockMailServer, startMockMailServer } from '../index.js';
import { MockSMTPServer } from '../smtp/server.js';
import { LineClient, smtpSession } from '../test-support/line-client.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any;

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({ pop3Port: false, smtpsPort: false });
});
afterEach(() => mock.close());

/** Sends one message over a fresh session and returns each reply. */
async function transaction(rcpt = 'user@example.org') {
  const client = await smtpSession(mock.smtpPort);
  const mail = await client.smtp('MAIL FROM:<sender@example.org>');
  const rcptReply = await client.smtp(`RCPT TO:<${rcpt}>`);
  return { client, mail, rcpt: rcptReply };
}

describe('fault rules at each stage', () => {
  it('connect: replies with the code and closes', async () => {
    mock.faults.set([{ stage: 'connect', code: 554, message: 'No service for you' }]);
    const client = await LineClient.connect(mock.smtpPort);
    expect(await client.smtpReply()).toBe('554 No service for you');
    expect(await client.closesWithin(1000)).toBe(true);
  });

  it('connect: a delay accepts TCP and withholds the greeting', async () => {
    mock.faults.set([{ stage: 'connect', action: 'delay', delayMs: 60_000 }]);
    const client = await LineClient.connect(mock.smtpPort);
    await expect(client.smtpReply(300)).rejects.toThrow(/timed out/);
    client.close();
  });

  it('connect: drop closes the connection without a greeting', async () => {
    mock.faults.set([{ stage: 'connect', action: 'drop' }]);
    const client = await LineClient.connect(mock.smtpPort);
    expect(await client.closesWithin(1000)).toBe(true);
    await expect(client.smtpReply(100)).rejects.toThrow(/closed/);
  });

  it('auth: answers the code for matching usernames only', async () => {
    mock.faults.set([
      { stage: 'auth', match: 'locked-*', code: 454, message: 'Temporary authentication failure' },
    ]);
    const client = await smtpSession(mock.smtpPort);
    const plain = (user: string) => Buffer.from(`\0${user}\0pw`).toString('base64');
    expect(await client.smtp(`AUTH PLAIN ${plain('locked-ann')}`)).toBe(
      '454 Temporary authentication failure',
    );
    expect(await client.smtp(`AUTH PLAIN ${plain('ann')}`)).toMatch(/^235 /);
    client.close();
  });

  it('auth: a rule without a code answers 535', async () => {
    mock.faults.set([{ stage: 'auth' }]);
    const client = await smtpSession(mock.smtpPort);
    expect(await client.smtp(`AUTH PLAIN ${Buffer.from('\0ann\0pw').toString('base64')}`)).toMatch(/^535 /);
    client.close();
  });

  it('mail: rejects the sender', async () => {
    mock.faults.set([
      { stage: 'mail', match: '*@blocked.example', code: 553, message: 'Sender not allowed' },
    ]);
    const client = await smtpSession(mock.smtpPort);
    expect(await client.smtp('MAIL FROM:<x@blocked.example>')).toBe('553 Sender not allowed');
    expect(await client.smtp('MAIL FROM:<x@fine.example>')).toMatch(/^250 /);
    client.close();
  });

  it('rcpt: 451 once, then OK (count 1)', async () => {
    mock.faults.set([{ stage: 'rcpt', code: 451, message: 'Try again later', count: 1 }]);
    const { client, rcpt } = await transaction();
    expect(rcpt).toBe('451 Try again later');
    expect(await client.smtp('RCPT TO:<user@example.org>')).toMatch(/^250 /);
    client.close();
    expect(mock.faults.list()[0]).toMatchObject({ firedCount: 1, remaining: 0 });
  });

  it('rcpt: 550 for recipients matching the pattern, others pass', async () => {
    mock.faults.set([{ stage: 'rcpt', match: 'bounce+*@example.org', code: 550, message: 'No such user' }]);
    const client = await smtpSession(mock.smtpPort);
    await client.smtp('MAIL FROM:<s@example.org>');
    expect(await client.smtp('RCPT TO:<bounce+1@example.org>')).toBe('550 No such user');
    expect(await client.smtp('RCPT TO:<bounce+2@example.org>')).toBe('550 No such user');
    expect(await client.smtp('RCPT TO:<fine@example.org>')).toMatch(/^250 /);
    client.close();
  });

  it('rcpt: a /regex/ match', async () => {
    mock.faults.set([{ stage: 'rcpt', match: '/^user\\d+@/i', code: 452 }]);
    const client = await smtpSession(mock.smtpPort);
    await client.smtp('MAIL FROM:<s@example.org>');
    expect(await client.smtp('RCPT TO:<USER7@example.org>')).toMatch(/^452 /);
    expect(await client.smtp('RCPT TO:<userx@example.org>')).toMatch(/^250 /);
    client.close();
  });

  it('rcpt: a delay holds the reply, then accepts', async () => {
    mock.faults.set([{ stage: 'rcpt', delayMs: 250 }]);
    const client = await smtpSession(mock.smtpPort);
    await client.smtp('MAIL FROM:<s@example.org>');
    // The mechanism, not the clock (elapsed time would measure the machine's load): the reply is put
    // on the session's timer for the rule's delay, and what comes after it is the normal reply.
    const later = vi.spyOn(MockSMTPServer.prototype, 'later');
    try {
      expect(await client.smtp('RCPT TO:<u@example.org>')).toMatch(/^250 /);
      expect(later.mock.calls).toEqual([[expect.any(String), 250, expect.any(Function)]]);
    } finally {
      later.mockRestore();
    }
    expect(mock.faults.fired()).toEqual([
      expect.objectContaining({ stage: 'rcpt', code: null, delayMs: 250, target: 'u@example.org' }),
    ]);
    client.close();
  });

  it('data: answers DATA with the code instead of 354', async () => {
    mock.faults.set([{ stage: 'data', code: 554, message: 'No data for you' }]);
    const { client } = await transaction();
    expect(await client.smtp('DATA')).toBe('554 No data for you');
    client.close();
  });

  it('data: drop cuts the connection during the message', async () => {
    mock.faults.set([{ stage: 'data', action: 'drop' }]);
    const { client } = await transaction();
    expect(await client.smtp('DATA')).toMatch(/^354 /);
    client.write('Subject: cut\r\n\r\nhello\r\n');
    expect(await client.closesWithin(1000)).toBe(true);
    expect(mock.messages()).toHaveLength(0);
  });

  it('data: nodemailer sees a dropped connection', async () => {
    mock.faults.set([{ stage: 'data', action: 'drop', count: 1 }]);
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
    const send = () => t.sendMail({ from: 'a@example.org', to: 'b@example.org', subject: 's', text: 'x' });
    await expect(send()).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNECTION|EPROTOCOL|ESOCKET/),
    });
    await expect(send()).resolves.toMatchObject({ accepted: ['b@example.org'] });
    expect(mock.messages()).toHaveLength(1);
  });

  it('end-of-data: rejects the whole message, which is not stored', async () => {
    mock.faults.set([{ stage: 'end-of-data', code: 451, message: 'Queue full' }]);
    const { client } = await transaction();
    await client.smtp('DATA');
    expect(await client.smtp('Subject: x\r\n\r\nbody\r\n.')).toBe('451 Queue full');
    client.close();
    expect(mock.messages()).toHaveLength(0);
  });

  it('end-of-data: drop closes after the message without a reply', async () => {
    mock.faults.set([{ stage: 'end-of-data', action: 'drop' }]);
    const { client } = await transaction();
    await client.smtp('DATA');
    client.write('Subject: x\r\n\r\nbody\r\n.\r\n');
    expect(await client.closesWithin(1000)).toBe(true);
    await expect(client.smtpReply(50)).rejects.toThrow(/closed/);
    expect(mock.messages()).toHaveLength(0);
  });

  it('end-of-data: applies only to messages for matching recipients', async () => {
    mock.faults.set([{ stage: 'end-of-data', match: 'reject@example.org', code: 554 }]);
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
    await expect(
      t.sendMail({ from: 'a@example.org', to: ['ok@example.org', 'reject@example.org'], text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 554 });
    await t.sendMail({ from: 'a@example.org', to: 'ok@example.org', text: 'x' });
    expect(mock.messages().map((m) => m.envelope.rcptTo)).toEqual([['ok@example.org']]);
  });
});

describe('fault rule bookkeeping', () => {
  it('logs every firing with its stage, target and reply', async () => {
    mock.faults.set([{ stage: 'rcpt', match: 'x@example.org', code: 450, count: 2 }]);
    for (let i = 0; i < 3; i++) {
      const { client } = await transaction('x@example.org');
      client.close();
    }
    const fired = mock.faults.fired();
    expect(fired).toHaveLength(2);
    expect(fired[0]).toMatchObject({
      ruleIndex: 0,
      stage: 'rcpt',
      action: 'reply',
      code: 450,
      target: 'x@example.org',
    });
    expect(mock.faults.list()[0]).toMatchObject({ firedCount: 2, remaining: 0 });
  });

  it('probability draws from a fixed seed, so the same traffic fires the same way', async () => {
    const pattern = async () => {
      mock.faults.set([{ stage: 'rcpt', probability: 0.5, code: 451 }]);
      const client = await smtpSession(mock.smtpPort);
      await client.smtp('MAIL FROM:<s@example.org>');
      const codes: string[] = [];
      for (let i = 0; i < 20; i++) codes.push((await client.smtp(`RCPT TO:<u${i}@example.org>`)).slice(0, 3));
      client.close();
      return codes;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(first).toContain('451');
    expect(first).toContain('250');
  });

  it('rejects invalid rules naming each field', () => {
    expect(() =>
      mock.faults.set([
        { stage: 'rcpt', code: 250 },
        { stage: 'nope' as never, count: 0 },
      ] as never),
    ).toThrow(FaultRuleError);
    try {
      mock.faults.set([
        { stage: 'rcpt', code: 250 },
        { stage: 'nope' as never, count: 0, extra: 1 },
      ] as never);
    } catch (error) {
      expect((error as FaultRuleError).errors.map((e) => e.path)).toEqual([
        '[0].code',
        '[1].extra',
        '[1].stage',
        '[1].count',
      ]);
    }
  });

  it('PUT, GET and DELETE /api/faults', async () => {
    const url = `${mock.httpUrl}/api/faults`;
    const put = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ stage: 'rcpt', code: 451, count: 1 }]),
    });
    expect(put.status).toBe(200);
    const { client, rcpt } = await transaction();
    client.close();
    expect(rcpt).toMatch(/^451 /);
    const state = (await (await fetch(url)).json()) as Json;
    expect(state.rules).toMatchObject([{ stage: 'rcpt', code: 451, count: 1, firedCount: 1, remaining: 0 }]);
    expect(state.fired).toMatchObject([{ stage: 'rcpt', code: 451 }]);

    const bad = await fetch(url, {
      method: 'PUT',
      body: JSON.stringify({ rules: [{ stage: 'rcpt', delayMs: -1 }] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).errors).toEqual([
      { path: '[0].delayMs', message: 'expected 0–3600000' },
    ]);

    expect(((await (await fetch(url, { method: 'DELETE' })).json()) as Json).rules).toEqual([]);
    const again = await transaction();
    again.client.close();
    expect(again.rcpt).toMatch(/^250 /);
  });

  it('reset clears the rules', async () => {
    mock.faults.set([{ stage: 'connect', code: 421 }]);
    await mock.reset();
    expect(mock.faults.list()).toEqual([]);
    const client = await LineClient.connect(mock.smtpPort);
    expect(await client.smtpReply()).toMatch(/^220 /);
    client.close();
  });
});
