import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';

let mock: MockMailServer;
beforeEach(async () => {
  mock = await startMockMailServer({
    smtpPort: false,
    smtpsPort: false,
    pop3Port: false,
    mailgunApiKey: 'key-123',
  });
});
afterEach(() => mock.close());

const auth = (key = 'key-123') => ({
  authorization: `Basic ${Buffer.from(`api:${key}`).toString('base64')}`,
});
const base = () => `${mock.httpUrl}/mailgun/v3`;

describe('Mailgun emulation', () => {
  it('accepts a multipart message and stores it like SMTP mail', async () => {
    const form = new FormData();
    form.append('from', 'Shop <noreply@mg.example.org>');
    form.append('to', 'ann@example.org, Bob <bob@example.org>');
    form.append('cc', 'carol@example.org');
    form.append('bcc', 'audit@example.org');
    form.append('subject', 'Your order');
    form.append('text', 'Order 4711 confirmed, code 998877');
    form.append('html', '<p>Order <b>4711</b> confirmed</p>');
    form.append('o:tag', 'orders');
    form.append('o:tag', 'eu');
    form.append('v:order-id', '4711');
    form.append('h:X-Campaign', 'spring');
    form.append('attachment', new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'order.csv');

    const res = await fetch(`${base()}/mg.example.org/messages`, {
      method: 'POST',
      headers: auth(),
      body: form,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; message: string };
    expect(body).toEqual({
      id: expect.stringMatching(/^<.+@mg\.example\.org>$/),
      message: 'Queued. Thank you.',
    });

    const stored = await mock.waitFor({ to: 'bob@example.org', timeoutMs: 1000 });
    expect(stored).toMatchObject({
      transport: 'mailgun',
      authUser: 'api',
      messageId: body.id,
      envelope: {
        mailFrom: 'noreply@mg.example.org',
        rcptTo: ['ann@example.org', 'bob@example.org', 'carol@example.org', 'audit@example.org'],
      },
      from: { name: 'Shop', address: 'noreply@mg.example.org' },
      subject: 'Your order',
      text: 'Order 4711 confirmed, code 998877',
      html: '<p>Order <b>4711</b> confirmed</p>',
      attachments: [{ filename: 'order.csv', contentType: 'text/csv', size: 8 }],
      mailgun: { domain: 'mg.example.org', tags: ['orders', 'eu'], variables: { 'order-id': '4711' } },
    });
    expect(stored.headers['x-campaign']).toBe('spring');
    expect(stored.headers['x-mailgun-tag']).toBe('orders, eu');
    expect(stored.headers.bcc).toBeUndefined();
    expect(mock.codes(stored.id).codes.map((c) => c.value)).toEqual(['4711', '998877']);
  });

  it('accepts a URL-encoded form', async () => {
    const res = await fetch(`${base()}/mg.example.org/messages`, {
      method: 'POST',
      headers: auth(),
      body: new URLSearchParams({
        from: 'a@mg.example.org',
        to: 'x@example.org',
        subject: 'urlencoded',
        text: 'hi',
      }),
    });
    expect(res.status).toBe(200);
    expect(mock.messages()[0]).toMatchObject({ subject: 'urlencoded', text: 'hi\n' });
  });

  it('accepts a MIME message on messages.mime', async () => {
    const form = new FormData();
    form.append('to', 'mime@example.org');
    form.append(
      'message',
      new Blob([
        'From: Raw <raw@mg.example.org>\r\nSubject: raw mime\r\nMessage-ID: <raw-1@mg>\r\n\r\nbody\r\n',
      ]),
      'message.mime',
    );
    const res = await fetch(`${base()}/mg.example.org/messages.mime`, {
      method: 'POST',
      headers: auth(),
      body: form,
    });
    expect(await res.json()).toMatchObject({ id: '<raw-1@mg>' });
    expect(mock.messages()[0]).toMatchObject({
      subject: 'raw mime',
      envelope: { mailFrom: 'raw@mg.example.org', rcptTo: ['mime@example.org'] },
    });
  });

  it('answers 401 Forbidden to a wrong key', async () => {
    const form = new FormData();
    form.append('from', 'a@mg.example.org');
    form.append('to', 'x@example.org');
    const res = await fetch(`${base()}/mg.example.org/messages`, {
      method: 'POST',
      headers: auth('wrong'),
      body: form,
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('Forbidden');
    const none = await fetch(`${base()}/domains/mg.example.org`);
    expect(none.status).toBe(401);
    expect(mock.messages()).toHaveLength(0);
  });

  it('answers 400 naming a missing parameter', async () => {
    const form = new FormData();
    form.append('to', 'x@example.org');
    const res = await fetch(`${base()}/mg.example.org/messages`, {
      method: 'POST',
      headers: auth(),
      body: form,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: "'from' parameter is missing" });
  });

  it('describes a domain as active', async () => {
    const res = await fetch(`${base()}/domains/mg.example.org`, { headers: auth() });
    expect(await res.json()).toMatchObject({ domain: { name: 'mg.example.org', state: 'active' } });
  });
});
