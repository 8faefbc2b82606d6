import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';

let mock: MockMailServer;
let send: (mail: SendMailOptions) => Promise<unknown>;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any;

beforeEach(async () => {
  mock = await startMockMailServer({ pop3Port: false, smtpsPort: false, imapPort: false, imapsPort: false });
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
  send = (mail) => t.sendMail({ from: 'Sender <sender@example.org>', ...mail });
});
afterEach(() => mock.close());

const api = (path: string, init?: RequestInit) => fetch(`${mock.httpUrl}${path}`, init);
const getJson = async (path: string, init?: RequestInit) => {
  const res = await api(path, init);
  return { status: res.status, body: (await res.json()) as Json };
};
const subjects = async (query: string) =>
  (await getJson(`/api/ui/messages?${query}`)).body.rows.map((r: { subject: string }) => r.subject);

describe('the page and its files', () => {
  it('serves the page and its modules under a policy without inline scripts', async () => {
    const page = await api('/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).not.toContain('unsafe');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/ui/app.js">');
    for (const file of [
      'app.js',
      'list.js',
      'message.js',
      'faults.js',
      'keys.js',
      'dom.js',
      'api.js',
      'theme.js',
    ]) {
      const res = await api(`/ui/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      await res.arrayBuffer();
    }
    expect((await api('/ui/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await api('/ui/nothing.js')).status).toBe(404);
    expect((await api('/ui/..%2Fpackage.json')).status).toBe(404);
  });

  it('never parses mail as markup in the page scripts', async () => {
    for (const file of ['app.js', 'list.js', 'message.js', 'faults.js', 'dom.js']) {
      const source = await (await api(`/ui/${file}`)).text();
      expect(source, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    }
  });
});

describe('GET /api/ui/messages', () => {
  it('lists rows newest first with mailbox figures', async () => {
    await send({ to: 'ann@example.org', subject: 'one', text: 'first body' });
    await send({ to: ['ann+t@example.org', 'bob@example.org'], subject: 'two', text: 'x' });
    const { status, body } = await getJson('/api/ui/messages');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 2, unread: 2, matched: 2 });
    expect(body.rows[0]).toMatchObject({
      subject: 'two',
      from: 'Sender',
      to: ['ann+t@example.org', 'bob@example.org'],
      read: false,
      attachments: 0,
    });
    expect(body.rows[1].snippet).toBe('first body');
    expect(body.mailboxes).toEqual([
      { address: 'ann+t@example.org', count: 1, unread: 1 },
      { address: 'ann@example.org', count: 1, unread: 1 },
      { address: 'bob@example.org', count: 1, unread: 1 },
    ]);
  });

  it("narrows by Mailpit's search syntax and by recipient mailbox", async () => {
    await send({ to: 'ann@example.org', subject: 'Reset your password', text: 'x' });
    await send({
      to: 'ann+news@example.org',
      subject: 'News',
      text: 'weekly',
      attachments: [{ filename: 'a.pdf', content: 'x' }],
    });
    await send({ to: 'bob@example.org', from: 'billing@shop.test', subject: 'Invoice', text: 'pay' });
    expect(await subjects('search=has:attachment')).toEqual(['News']);
    expect(await subjects(`search=${encodeURIComponent('subject:"your password"')}`)).toEqual([
      'Reset your password',
    ]);
    expect(await subjects('search=from:billing')).toEqual(['Invoice']);
    expect(await subjects('search=-from:billing')).toEqual(['News', 'Reset your password']);
    expect(await subjects('search=is:read')).toEqual([]);
    expect(await subjects('to=ann@example.org')).toEqual(['News', 'Reset your password']);
    expect(await subjects('to=ann%2Bnews@example.org')).toEqual(['News']);
    expect(await subjects('to=ann@example.org&search=weekly')).toEqual(['News']);
    const { body } = await getJson('/api/ui/messages?search=weekly');
    expect(body).toMatchObject({ total: 3, matched: 1 });
  });

  it('answers one window of rows at a time, with the size of the whole selection', async () => {
    for (let i = 1; i <= 5; i++) await send({ to: 'ann@example.org', subject: `m${i}`, text: 'x' });
    const { body } = await getJson('/api/ui/messages?start=1&limit=2');
    expect(body).toMatchObject({ matched: 5, start: 1 });
    expect(body.rows.map((r: { subject: string }) => r.subject)).toEqual(['m4', 'm3']);
    expect((await getJson('/api/ui/messages?start=9')).body.rows).toEqual([]);
    const bad = await getJson('/api/ui/messages?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('limit');
  });

  it('deletes what a selection shows, or everything for none', async () => {
    await send({ to: 'ann@example.org', subject: 'a1', text: 'x' });
    await send({ to: 'ann@example.org', subject: 'a2', text: 'keep me' });
    await send({ to: 'bob@example.org', subject: 'b', text: 'x' });
    const del = (query: string) => getJson(`/api/ui/messages?${query}`, { method: 'DELETE' });
    expect((await del('to=ann@example.org&search=-keep')).body).toEqual({ deleted: 1 });
    expect(mock.messages().map((m) => m.subject)).toEqual(['b', 'a2']);
    expect((await del('')).body).toEqual({ deleted: 2 });
    expect(mock.messages()).toEqual([]);
  });
});

describe('fault rules one at a time', () => {
  it('adds a rule at the end and removes one by index; the others keep their firing counts', async () => {
    mock.faults.set([{ stage: 'rcpt', match: 'a@*', code: 451, count: 2 }]);
    await expect(send({ to: 'a@example.org', text: 'x' })).rejects.toMatchObject({ responseCode: 451 });

    const added = await getJson('/api/faults/rules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stage: 'imap-login', match: 'locked@*', status: 'BAD' }),
    });
    expect(added.status).toBe(201);
    expect(added.body.rules).toMatchObject([
      { index: 0, stage: 'rcpt', count: 2, firedCount: 1, remaining: 1 },
      { index: 1, stage: 'imap-login', status: 'BAD', firedCount: 0 },
    ]);
    // The rule kept its place in the count: one more firing, then it is used up.
    await expect(send({ to: 'a@example.org', text: 'x' })).rejects.toMatchObject({ responseCode: 451 });
    await send({ to: 'a@example.org', text: 'x' });

    const removed = await getJson('/api/faults/rules/0', { method: 'DELETE' });
    expect(removed.body.rules).toMatchObject([{ index: 0, stage: 'imap-login' }]);
    expect(removed.body.fired).toHaveLength(2);
    expect((await api('/api/faults/rules/5', { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses a bad rule naming its fields, and leaves the others alone', async () => {
    mock.faults.set([{ stage: 'rcpt', code: 451 }]);
    const res = await getJson('/api/faults/rules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stage: 'imap-login', code: 500, match: '/(/' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['code', 'match']);
    expect(mock.faults.list()).toMatchObject([{ stage: 'rcpt', code: 451 }]);
  });
});
