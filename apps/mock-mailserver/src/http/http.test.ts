import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';

let mock: MockMailServer;
let send: (mail: SendMailOptions) => Promise<unknown>;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any;

beforeEach(async () => {
  mock = await startMockMailServer({ pop3Port: false, smtpsPort: false });
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
  send = (mail) => t.sendMail({ from: 'sender@example.org', ...mail });
});
afterEach(() => mock.close());

const api = (path: string, init?: RequestInit) => fetch(`${mock.httpUrl}${path}`, init);
const getJson = async (path: string) => {
  const res = await api(path);
  return { status: res.status, body: (await res.json()) as Json };
};

describe('messages API', () => {
  it('lists newest first with total and a next cursor, and pages with after', async () => {
    for (let i = 1; i <= 5; i++) await send({ to: 'a@example.org', subject: `m${i}`, text: 'x' });
    const first = await getJson('/api/messages?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(5);
    expect(first.body.items.map((m: { subject: string }) => m.subject)).toEqual(['m5', 'm4']);
    expect(first.body.items[0]).toMatchObject({ envelope: { rcptTo: ['a@example.org'] }, snippet: 'x' });
    expect(first.body.items[0].text).toBeUndefined();
    const second = await getJson(`/api/messages?limit=2&after=${first.body.next}`);
    expect(second.body.items.map((m: { subject: string }) => m.subject)).toEqual(['m3', 'm2']);
    const last = await getJson(`/api/messages?limit=2&after=${second.body.next}`);
    expect(last.body).toMatchObject({ next: null, items: [{ subject: 'm1' }] });
  });

  it('filters by to, from, subject and q', async () => {
    await send({ to: 'ann+t1@example.org', subject: 'Welcome', text: 'hello world' });
    await send({ to: 'bob@example.org', from: 'other@example.net', subject: 'Invoice', text: 'pay' });
    const subjects = async (query: string) =>
      (await getJson(`/api/messages?${query}`)).body.items.map((m: { subject: string }) => m.subject);
    expect(await subjects('to=ann@example.org')).toEqual(['Welcome']);
    expect(await subjects('to=ann%2Bt1@example.org')).toEqual(['Welcome']);
    expect(await subjects('to=ann%2Bt2@example.org')).toEqual([]);
    expect(await subjects('to=ann+t1@example.org')).toEqual(['Welcome']); // an unencoded + decodes to a space
    expect(await subjects('from=example.net')).toEqual(['Invoice']);
    expect(await subjects('subject=welc')).toEqual(['Welcome']);
    expect(await subjects('q=WORLD')).toEqual(['Welcome']);
  });

  it('reads one message, its raw source, its HTML and its attachments', async () => {
    await send({
      to: 'a@example.org',
      subject: 'parts',
      html: '<p>Hi <img src="cid:logo@x"></p><script>alert(1)</script>',
      attachments: [
        { filename: 'logo.png', content: Buffer.from('png-bytes'), cid: 'logo@x', contentType: 'image/png' },
        { filename: 'report.html', content: '<script>alert(2)</script>', contentType: 'text/html' },
      ],
    });
    const { id } = mock.messages()[0]!;
    const { body } = await getJson(`/api/messages/${id}`);
    expect(body).toMatchObject({
      id,
      subject: 'parts',
      attachments: [{ filename: 'logo.png' }, { filename: 'report.html' }],
    });

    const raw = await api(`/api/messages/${id}/raw`);
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toContain('Subject: parts');
    const download = await api(`/api/messages/${id}/raw?download=1`);
    expect(download.headers.get('content-disposition')).toContain(`${id}.eml`);

    const html = await api(`/api/messages/${id}/html`);
    expect(html.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    expect(await html.text()).toContain(`src="/api/messages/${id}/attachments/0"`);

    const image = await api(`/api/messages/${id}/attachments/0`);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).toString()).toBe('png-bytes');
    const page = await api(`/api/messages/${id}/attachments/1`);
    expect(page.headers.get('content-disposition')).toMatch(/^attachment; filename="report.html"/);
    expect(page.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    expect((await api(`/api/messages/${id}/attachments/5`)).status).toBe(404);
  });

  it('answers 404 problem documents for unknown messages and routes, 405 for wrong methods', async () => {
    const missing = await api('/api/messages/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await missing.json()) as Json).toMatchObject({ status: 404, title: 'Not Found' });
    expect((await api('/api/nothing')).status).toBe(404);
    expect((await api('/api/messages', { method: 'PATCH' })).status).toBe(405);
    expect((await api('/api/messages?limit=0')).status).toBe(400);
    const badCursor = await api('/api/messages?after=zzz');
    expect(badCursor.status).toBe(400);
    expect(((await badCursor.json()) as Json).errors[0].path).toBe('after');
    await expect(mock.waitFor({ after: 'zzz' })).rejects.toThrow(/unknown cursor/);
  });

  it('deletes one message, matching messages, or all, and resets', async () => {
    await send({ to: 'a@example.org', subject: 'a', text: 'x' });
    await send({ to: 'b@example.org', subject: 'b1', text: 'x' });
    await send({ to: 'b@example.org', subject: 'b2', text: 'x' });
    const a = mock.messages({ to: 'a@example.org' })[0]!;
    expect((await (await api(`/api/messages/${a.id}`, { method: 'DELETE' })).json()) as Json).toEqual({
      deleted: 1,
    });
    expect((await api(`/api/messages/${a.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await (await api('/api/messages?subject=b1', { method: 'DELETE' })).json()) as Json).toEqual({
      deleted: 1,
    });
    expect((await (await api('/api/messages', { method: 'DELETE' })).json()) as Json).toEqual({ deleted: 1 });
    await send({ to: 'c@example.org', subject: 'c', text: 'x' });
    mock.faults.set([{ stage: 'rcpt', code: 450 }]);
    expect((await api('/api/reset', { method: 'POST' })).status).toBe(200);
    expect(mock.messages()).toEqual([]);
    expect(mock.faults.list()).toEqual([]);
  });

  it('reports health and serves the web page', async () => {
    expect((await getJson('/healthz')).body).toEqual({ ok: true, messages: 0 });
    const page = await api('/');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>Mock mail server</title>');
  });
});

describe('long poll', () => {
  it('returns a message that arrives while waiting', async () => {
    const waiting = getJson('/api/messages/wait?to=late@example.org&timeoutMs=5000');
    await new Promise((r) => setTimeout(r, 50));
    await send({ to: 'late@example.org', subject: 'arrived', text: 'x' });
    expect(await waiting).toMatchObject({ status: 200, body: { subject: 'arrived', text: 'x\n' } });
  });

  it('returns only messages after the cursor', async () => {
    await send({ to: 'a@example.org', subject: 'old', text: 'x' });
    const cursor = mock.cursor();
    expect((await getJson('/api/messages/wait?to=a@example.org')).body.subject).toBe('old');
    const waiting = getJson(`/api/messages/wait?to=a@example.org&after=${cursor}&timeoutMs=5000`);
    await send({ to: 'a@example.org', subject: 'new', text: 'x' });
    expect((await waiting).body.subject).toBe('new');
  });

  it('answers 408 on timeout and 400 for a bad cursor', async () => {
    const timedOut = await getJson('/api/messages/wait?to=nobody@example.org&timeoutMs=100');
    expect(timedOut).toMatchObject({ status: 408, body: { title: 'Request Timeout' } });
    expect((await api('/api/messages/wait?after=not-a-cursor')).status).toBe(400);
  });
});

describe('codes API', () => {
  const mail = {
    to: 'code@example.org',
    subject: 'Verify',
    text: 'Use 123456 to sign in: https://app.test/v?t=1',
  };

  it('extracts codes and links of a message', async () => {
    await send(mail);
    const { id } = mock.messages()[0]!;
    const { body } = await getJson(`/api/messages/${id}/codes`);
    expect(body).toMatchObject({
      id,
      code: '123456',
      codes: [{ value: '123456', context: 'Use 123456 to sign in: https://app.test/v?t=1', source: 'text' }],
      links: [{ url: 'https://app.test/v?t=1' }],
    });
    expect(
      (await getJson(`/api/messages/${id}/codes?pattern=${encodeURIComponent('t=(\\d)')}`)).body.code,
    ).toBe('1');
    expect((await api(`/api/messages/${id}/codes?pattern=(`)).status).toBe(400);
  });

  it('gives the latest code for a recipient, waiting for it when asked', async () => {
    expect((await api('/api/codes/latest?to=code@example.org')).status).toBe(404);
    const waiting = getJson('/api/codes/latest?to=code@example.org&timeoutMs=5000');
    await send(mail);
    expect((await waiting).body.code).toBe('123456');
    await send({ ...mail, text: 'Now use 654321' });
    expect((await getJson('/api/codes/latest?to=code@example.org')).body.code).toBe('654321');
  });
});

/** Reads server-sent events from a stream until `count` events (with ids) have arrived. */
async function readEvents(res: Response, count: number) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ id?: string; event?: string; data?: string }> = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) event[line.slice(0, colon)] = line.slice(colon + 1).trim();
      }
      if (event.event) events.push(event);
      end = buffer.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return events;
}

describe('server-sent events', () => {
  it('streams new messages and resumes after Last-Event-ID', async () => {
    const controller = new AbortController();
    const live = await api('/api/events', { signal: controller.signal });
    expect(live.headers.get('content-type')).toContain('text/event-stream');
    const reading = readEvents(live, 2);
    await send({ to: 'a@example.org', subject: 'one', text: 'x' });
    await send({ to: 'a@example.org', subject: 'two', text: 'x' });
    const [first, second] = await reading;
    expect(first).toMatchObject({ event: 'message' });
    expect(JSON.parse(first!.data!)).toMatchObject({ subject: 'one' });
    controller.abort();

    await send({ to: 'a@example.org', subject: 'three', text: 'x' });
    const resumed = await api('/api/events', { headers: { 'last-event-id': first!.id! } });
    const missed = await readEvents(resumed, 2);
    expect(missed.map((e) => JSON.parse(e.data!).subject)).toEqual(['two', 'three']);
    expect(missed[0]!.id).toBe(second!.id);
  });

  it('streams read-state changes as update events and deletions as delete events', async () => {
    await send({ to: 'a@example.org', subject: 'one', text: 'x' });
    const { id } = (await getJson('/api/messages')).body.items[0];
    const live = await api('/api/events');
    const reading = readEvents(live, 2);
    const put = await api('/api/v1/messages', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id], Read: true }),
    });
    expect(put.status).toBe(200);
    expect((await api(`/api/messages/${id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    const [update, deleted] = await reading;
    expect(update).toMatchObject({ event: 'update' });
    expect(JSON.parse(update!.data!)).toMatchObject({ id, subject: 'one', read: true, changed: ['read'] });
    expect(deleted).toMatchObject({ event: 'delete' });
    expect(JSON.parse(deleted!.data!)).toEqual({ id, reason: 'deleted' });
  });

  it('replays everything buffered for lastEventId=0', async () => {
    await send({ to: 'a@example.org', subject: 'before', text: 'x' });
    const [event] = await readEvents(await api('/api/events?lastEventId=0'), 1);
    expect(event).toMatchObject({ id: '1', event: 'message' });
    expect(JSON.parse(event!.data!).subject).toBe('before');
  });
});
