import { MailpitClient } from 'mailpit-api';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MockMailServer, startMockMailServer } from '../index.js';

// A suite written as a Mailpit user writes one: the npm client `mailpit-api`, unchanged, with
// the mock's HTTP address as its base URL; mail goes in over SMTP.

let mock: MockMailServer;
let mailpit: MailpitClient;
let send: (mail: SendMailOptions) => Promise<{ messageId: string }>;

beforeEach(async () => {
  mock = await startMockMailServer({ pop3Port: false, smtpsPort: false });
  mailpit = new MailpitClient(mock.httpUrl);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mock.smtpPort, ignoreTLS: true });
  send = (mail) => transport.sendMail({ from: 'Shop <shop@example.org>', ...mail });
});
afterEach(() => mock.close());

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAghq0ZQAAAABJRU5ErkJggg==',
  'base64',
);

/** A message with a text and an HTML body, an attachment and an inline image. */
const rich: SendMailOptions = {
  to: 'Ann <ann@example.org>',
  cc: 'bob@example.org',
  bcc: 'hidden@example.org',
  replyTo: 'help@example.org',
  subject: 'Your invoice',
  text: 'Your invoice is attached. Code 482913.',
  html: '<p>Your <b>invoice</b> is attached.</p><img src="cid:logo@shop">',
  headers: { 'List-Unsubscribe': '<mailto:unsub@example.org>, <https://shop.example/unsub>' },
  attachments: [
    { filename: 'invoice.txt', content: 'total: 42 EUR', contentType: 'text/plain' },
    { filename: 'logo.png', content: png, contentType: 'image/png', cid: 'logo@shop' },
  ],
};

describe('reading mail', () => {
  it('lists messages newest first, in Mailpit shape, and pages with start and limit', async () => {
    for (const subject of ['first', 'second', 'third'])
      await send({ to: 'ann@example.org', subject, text: 'Hi' });

    const list = await mailpit.listMessages();
    expect(list).toMatchObject({ total: 3, unread: 3, count: 3, messages_count: 3, start: 0, tags: [] });
    expect(list.messages.map((m) => m.Subject)).toEqual(['third', 'second', 'first']);
    const [item] = list.messages;
    expect(item).toMatchObject({
      Read: false,
      From: { Name: 'Shop', Address: 'shop@example.org' },
      To: [{ Name: '', Address: 'ann@example.org' }],
      Cc: [],
      Bcc: [],
      ReplyTo: [],
      Tags: [],
      Attachments: 0,
      Snippet: 'Hi',
    });
    expect(item!.ID).toBe(mock.messages()[0]!.id);
    expect(item!.MessageID).not.toMatch(/[<>]/);
    expect(new Date(item!.Created).toISOString()).toBe(item!.Created);

    const page = await mailpit.listMessages(1, 1);
    expect(page).toMatchObject({ start: 1, count: 1, messages_count: 3 });
    expect(page.messages.map((m) => m.Subject)).toEqual(['second']);

    // Received-time bounds (Unix seconds here) narrow the page, not the mailbox counts.
    const bounded = async (q: string) => (await fetch(`${mock.httpUrl}/api/v1/messages?${q}`)).json();
    expect(await bounded('before=946684800')).toMatchObject({ count: 0, messages: [], messages_count: 3 });
    expect(await bounded('since=946684800&limit=2')).toMatchObject({ count: 2, messages_count: 3 });
  });

  it('gets one message in full, by id and as latest, and marks it read', async () => {
    await send({ to: 'old@example.org', subject: 'older', text: 'x' });
    await send(rich);
    const { messages } = await mailpit.listMessages();
    const id = messages[0]!.ID;
    expect(messages[0]).toMatchObject({ Attachments: 1, Snippet: 'Your invoice is attached.' });
    expect(messages[0]!.Bcc).toEqual([{ Name: '', Address: 'hidden@example.org' }]);

    const message = await mailpit.getMessageSummary(id);
    expect(message).toMatchObject({
      ID: id,
      From: { Name: 'Shop', Address: 'shop@example.org' },
      To: [{ Name: 'Ann', Address: 'ann@example.org' }],
      Cc: [{ Name: '', Address: 'bob@example.org' }],
      Bcc: [{ Name: '', Address: 'hidden@example.org' }],
      ReplyTo: [{ Name: '', Address: 'help@example.org' }],
      ReturnPath: 'shop@example.org',
      Subject: 'Your invoice',
      Tags: [],
      Text: 'Your invoice is attached. Code 482913.',
      HTML: rich.html,
      ListUnsubscribe: { Links: ['mailto:unsub@example.org', 'https://shop.example/unsub'] },
    });
    expect(message.Attachments).toEqual([
      expect.objectContaining({
        FileName: 'invoice.txt',
        ContentType: 'text/plain',
        Size: 13,
        ContentID: '',
      }),
    ]);
    expect(message.Inline).toEqual([
      expect.objectContaining({ FileName: 'logo.png', ContentType: 'image/png', ContentID: 'logo@shop' }),
    ]);
    expect(message.Attachments[0]!.Checksums.SHA256).toMatch(/^[0-9a-f]{64}$/);
    expect(message.Size).toBe(mock.message(id)!.size);

    expect((await mailpit.getMessageSummary()).ID).toBe(id);
    const after = await mailpit.listMessages();
    expect(after.unread).toBe(1);
    expect(after.messages[0]!.Read).toBe(true);
  });

  it('serves headers, the raw source, parts and the rendered views', async () => {
    await send(rich);
    const message = await mailpit.getMessageSummary();

    const headers = await mailpit.getMessageHeaders(message.ID);
    expect(Object.keys(headers)).toEqual([...Object.keys(headers)].sort());
    expect(headers.Subject).toEqual(['Your invoice']);
    expect(headers['Message-Id']).toHaveLength(1);
    expect(headers['List-Unsubscribe']).toEqual(['<mailto:unsub@example.org>, <https://shop.example/unsub>']);

    const source = await mailpit.getMessageSource('latest');
    expect(source).toBe((await mock.raw(message.ID))!.toString());

    const attachment = await mailpit.getMessageAttachment(message.ID, message.Attachments[0]!.PartID);
    expect(attachment.type).toMatch(/^text\/plain/);
    expect(await attachment.text()).toBe('total: 42 EUR');
    const logo = await mailpit.getMessageAttachment('latest', message.Inline[0]!.PartID);
    expect(Buffer.from(await logo.arrayBuffer())).toEqual(png);

    expect(await mailpit.renderMessageHTML()).toBe(rich.html);
    expect(await mailpit.renderMessageText(message.ID)).toBe(rich.text);
  });

  it('answers 404 for an unknown message or part, and for thumbnails, which the mock does not make', async () => {
    await send(rich);
    const message = await mailpit.getMessageSummary();
    await expect(mailpit.getMessageSummary('nope')).rejects.toThrow(/404/);
    await expect(mailpit.getMessageSource('nope')).rejects.toThrow(/404/);
    await expect(mailpit.getMessageAttachment(message.ID, '9.9')).rejects.toThrow(/404/);
    await expect(mailpit.getAttachmentThumbnail(message.ID, message.Inline[0]!.PartID)).rejects.toThrow(
      /404/,
    );
    await mock.reset();
    await expect(mailpit.getMessageSummary()).rejects.toThrow(/404.*Message not found/);
  });
});

describe('searching', () => {
  it("finds messages with Mailpit's search syntax", async () => {
    await send({ ...rich, to: 'Ann Lee <ann+orders@example.org>' });
    await send({
      from: 'News <news@letters.example>',
      to: 'ann@example.org',
      subject: 'Weekly news',
      html: '<p>Big <b>sale</b> this week</p>',
    });
    await send({ to: 'bob@example.org', subject: 'Password reset', text: 'Your code is 551204' });
    const subjects = async (query: string, tz?: string) =>
      (await mailpit.searchMessages({ query, ...(tz ? { tz } : {}) })).messages.map((m) => m.Subject);

    expect(await subjects('from:news@letters.example')).toEqual(['Weekly news']);
    expect(await subjects('to:"Ann Lee"')).toEqual(['Your invoice']);
    expect(await subjects('subject:"password reset"')).toEqual(['Password reset']);
    expect(await subjects('"sale this week"')).toEqual(['Weekly news']);
    expect(await subjects('code 551204')).toEqual(['Password reset']);
    expect(await subjects('has:attachment')).toEqual(['Your invoice']);
    expect(await subjects('-has:attachment')).toEqual(['Password reset', 'Weekly news']);
    expect(await subjects('!from:news -to:bob')).toEqual(['Your invoice']);
    expect(await subjects('tag:orders')).toEqual(['Your invoice']); // from the plus address
    expect(await subjects('is:unread')).toHaveLength(3);
    expect(await subjects('after:2000-01-01', 'Europe/Paris')).toHaveLength(3);
    expect(await subjects('before:2000/01/01')).toEqual([]);

    await mailpit.getMessageSummary(
      (await mailpit.searchMessages({ query: 'subject:news' })).messages[0]!.ID,
    );
    expect(await subjects('is:read')).toEqual(['Weekly news']);
    expect(await subjects('is:unread')).toEqual(['Password reset', 'Your invoice']);

    const page = await mailpit.searchMessages({ query: 'ann', start: 1, limit: 1 });
    expect(page).toMatchObject({
      total: 3,
      unread: 2,
      messages_count: 2,
      messages_unread: 1,
      start: 1,
      count: 1,
    });
    expect(page.tags).toEqual(['orders']);
    expect(page.messages.map((m) => m.Subject)).toEqual(['Your invoice']);
  });

  it('gets the latest message matching a query, and waits for one as the client does', async () => {
    await send({ to: 'ann@example.org', subject: 'Welcome', text: 'Hello' });
    await send({ to: 'bob@example.org', subject: 'Other', text: 'Hi' });
    const found = await mailpit.waitForMessage({ query: 'to:ann@example.org' });
    expect(found.Subject).toBe('Welcome');
    const res = await fetch(
      `${mock.httpUrl}/api/v1/message/latest?query=${encodeURIComponent('subject:welcome')}`,
    );
    expect(((await res.json()) as { Subject: string }).Subject).toBe('Welcome');
    const none = await fetch(`${mock.httpUrl}/api/v1/message/latest?query=nothing-matches`);
    expect([none.status, await none.text()]).toEqual([404, 'Message not found']);
    await expect(mailpit.searchMessages({ query: '  ' })).rejects.toThrow(/400.*no search query/);
  });
});

describe('read state and deleting', () => {
  async function threeMessages() {
    for (const [to, subject] of [
      ['ann@example.org', 'one'],
      ['bob@example.org', 'two'],
      ['ann@example.org', 'three'],
    ] as const) {
      await send({ to, subject, text: subject });
    }
    const { messages } = await mailpit.listMessages();
    return Object.fromEntries(messages.map((m) => [m.Subject, m.ID])) as Record<
      'one' | 'two' | 'three',
      string
    >;
  }
  const readState = async () =>
    Object.fromEntries((await mailpit.listMessages()).messages.map((m) => [m.Subject, m.Read]));

  it('marks messages read and unread by id, by search and all at once', async () => {
    const ids = await threeMessages();
    expect(await mailpit.setReadStatus({ IDs: [ids.one, ids.two], Read: true })).toBe('ok');
    expect(await readState()).toEqual({ one: true, two: true, three: false });
    expect((await mailpit.listMessages()).unread).toBe(1);

    await mailpit.setReadStatus({ IDs: [ids.one], Read: false });
    expect(await readState()).toEqual({ one: false, two: true, three: false });

    await mailpit.setReadStatus({ Search: 'to:ann@example.org', Read: true });
    expect(await readState()).toEqual({ one: true, two: true, three: true });

    await mailpit.setReadStatus(); // no IDs, no search: every message, unread by default
    expect(await readState()).toEqual({ one: false, two: false, three: false });
    await mailpit.setReadStatus({ Read: true });
    expect((await mailpit.listMessages()).unread).toBe(0);

    // The flag is the store's: the mock's own API and every other face see the same.
    expect(mock.message(ids.one)!.read).toBe(true);
    await expect(mailpit.setReadStatus({ IDs: [ids.one], Search: 'x', Read: true })).rejects.toThrow(
      /400.*either IDs or a search/,
    );
  });

  it('deletes some messages, those matching a search, then all', async () => {
    const ids = await threeMessages();
    expect(await mailpit.deleteMessages({ IDs: [ids.two, 'unknown-id'] })).toBe('ok');
    expect((await mailpit.listMessages()).messages.map((m) => m.Subject)).toEqual(['three', 'one']);

    expect(await mailpit.deleteMessagesBySearch({ query: 'subject:three' })).toBe('ok');
    expect((await mailpit.listMessages()).messages.map((m) => m.Subject)).toEqual(['one']);

    await send({ to: 'carol@example.org', subject: 'four', text: 'x' });
    expect(await mailpit.deleteMessages()).toBe('ok');
    expect(await mailpit.listMessages()).toMatchObject({ total: 0, messages: [] });
    expect(mock.messages()).toEqual([]);
    await expect(mailpit.deleteMessagesBySearch({ query: '' })).rejects.toThrow(/400/);
  });
});

describe('tags', () => {
  it('sets, lists, searches, renames and deletes tags', async () => {
    await send({ to: 'ann@example.org', subject: 'one', text: 'x' });
    await send({
      to: 'ann@example.org',
      subject: 'two',
      text: 'x',
      headers: { 'X-Tags': 'Newsletter, weekly' },
    });
    const { messages } = await mailpit.listMessages();
    const [two, one] = messages;
    expect(two!.Tags).toEqual(['Newsletter', 'weekly']); // from X-Tags, as in Mailpit

    expect(
      await mailpit.setTags({ IDs: [one!.ID, two!.ID], Tags: ['Urgent', 'billing/2024', 'urgent'] }),
    ).toBe('ok');
    expect(await mailpit.getTags()).toEqual(['Urgent', 'billing 2024']); // cleaned, one spelling per message
    expect((await mailpit.getMessageSummary(one!.ID)).Tags).toEqual(['Urgent', 'billing 2024']);
    expect((await mailpit.searchMessages({ query: 'tag:"billing 2024"' })).messages_count).toBe(2);

    expect(await mailpit.renameTag('billing 2024', 'Billing')).toBe('ok');
    expect(await mailpit.getTags()).toEqual(['Billing', 'Urgent']);
    expect((await mailpit.listMessages()).tags).toEqual(['Billing', 'Urgent']);
    await expect(mailpit.renameTag('Billing', 'Urgent')).rejects.toThrow(/400.*already exists/);
    await expect(mailpit.renameTag('nope', 'x')).rejects.toThrow(/400.*not found/);

    await mailpit.setTags({ IDs: [two!.ID] }); // no Tags: removes them
    expect((await mailpit.getMessageSummary(two!.ID)).Tags).toEqual([]);

    expect(await mailpit.deleteTag('Urgent')).toBe('ok');
    expect(await mailpit.getTags()).toEqual(['Billing']);
    expect(mock.messages().map((m) => m.tags)).toEqual([[], ['Billing']]);
  });
});

describe('server info and sending', () => {
  it('reports server info: messages, unread, tags and runtime counters', async () => {
    await send({ to: 'ann+welcome@example.org', subject: 'one', text: 'x' });
    await send({ to: 'ann@example.org', subject: 'two', text: 'x' });
    const [latest] = (await mailpit.listMessages()).messages;
    await mailpit.getMessageSummary(latest!.ID);
    await mailpit.deleteMessages({ IDs: [latest!.ID] });
    await send({ to: 'bob@example.org', subject: 'three', text: 'x' });

    const info = await mailpit.getInfo();
    expect(info).toMatchObject({
      LatestVersion: 'disabled',
      Messages: 2,
      Unread: 2,
      Tags: { welcome: 1 },
      RuntimeStats: { SMTPAccepted: 3, MessagesDeleted: 1, SMTPRejected: 0, SMTPIgnored: 0 },
    });
    expect(info.Version).toMatch(/^mock-mailserver-\d+\.\d+\.\d+/);
    expect(info.DatabaseSize).toBe(mock.messages().reduce((sum, m) => sum + m.size, 0));
    expect(info.RuntimeStats.SMTPAcceptedSize).toBeGreaterThan(info.DatabaseSize);

    // A message turned away by a fault rule counts as rejected.
    mock.faults.set([{ stage: 'rcpt', code: 550, count: 1 }]);
    await expect(send({ to: 'nobody@example.org', subject: 'refused', text: 'x' })).rejects.toThrow(/550/);
    expect((await mailpit.getInfo()).RuntimeStats.SMTPRejected).toBe(1);

    await expect(mailpit.getChaosTriggers()).rejects.toThrow(/400.*Chaos is not enabled/);
    await expect(mailpit.setChaosTriggers({ Sender: { ErrorCode: 451, Probability: 50 } })).rejects.toThrow(
      /400.*Chaos is not enabled/,
    );
    const config = await mailpit.getConfiguration();
    expect(config).toMatchObject({
      MessageRelay: { Enabled: false },
      SpamAssassin: false,
      ChaosEnabled: false,
    });
  });

  it('sends a message through the API into the mailbox, as if it had arrived', async () => {
    const { ID } = await mailpit.sendMessage({
      From: { Email: 'app@example.org', Name: 'The App' },
      To: [{ Email: 'ann@example.org', Name: 'Ann' }, { Email: 'bob@example.org' }],
      Cc: [{ Email: 'carol@example.org' }],
      Bcc: ['dave@example.org'],
      ReplyTo: [{ Email: 'help@example.org' }],
      Subject: 'Sent through the API',
      Text: 'Your code is 730204',
      HTML: '<p>Your code is <b>730204</b></p>',
      Tags: ['api', 'Signup'],
      Headers: { 'X-Request-Id': 'r-1' },
      Attachments: [
        { Filename: 'note.txt', Content: Buffer.from('a note').toString('base64') },
        {
          Filename: 'logo.png',
          Content: png.toString('base64'),
          ContentType: 'image/png',
          ContentID: 'logo',
        },
      ],
    });

    const message = await mailpit.getMessageSummary(ID);
    expect(message).toMatchObject({
      From: { Name: 'The App', Address: 'app@example.org' },
      To: [
        { Name: 'Ann', Address: 'ann@example.org' },
        { Name: '', Address: 'bob@example.org' },
      ],
      Cc: [{ Name: '', Address: 'carol@example.org' }],
      Bcc: [{ Name: '', Address: 'dave@example.org' }],
      ReplyTo: [{ Name: '', Address: 'help@example.org' }],
      Subject: 'Sent through the API',
      Text: 'Your code is 730204',
      HTML: '<p>Your code is <b>730204</b></p>',
      Tags: ['Signup', 'api'],
    });
    expect(message.Attachments.map((a) => [a.FileName, a.ContentType])).toEqual([['note.txt', 'text/plain']]);
    expect(message.Inline.map((a) => [a.FileName, a.ContentID])).toEqual([['logo.png', 'logo']]);
    expect((await mailpit.getMessageHeaders(ID))['X-Request-Id']).toEqual(['r-1']);
    // The mock's own waits and code extraction see it like any other arrival.
    expect(await mock.waitForCode({ to: 'dave@example.org' })).toBe('730204');
    expect(mock.message(ID)).toMatchObject({
      transport: 'mailpit',
      envelope: { mailFrom: 'app@example.org' },
    });
  });

  it("refuses a message Mailpit would refuse, with Mailpit's JSON error", async () => {
    const base = { From: { Email: 'app@example.org' }, To: [{ Email: 'ann@example.org' }], Subject: 'Hi' };
    const refusal = async (body: unknown) => {
      const res = await fetch(`${mock.httpUrl}/api/v1/send`, { method: 'POST', body: JSON.stringify(body) });
      return [res.status, await res.json()];
    };
    expect(await refusal({ ...base, To: [{ Email: 'not-an-address' }] })).toEqual([
      400,
      { Error: 'invalid To address: not-an-address' },
    ]);
    expect(await refusal({ ...base, Subject: '' })).toEqual([
      400,
      { Error: 'error building message: subject not set' },
    ]);
    expect(await refusal({ ...base, To: [] })).toEqual([
      400,
      { Error: 'error building message: no recipients (to, cc, bcc) set' },
    ]);
    expect(await refusal({ ...base, Headers: { Subject: 'x' } })).toEqual([
      400,
      { Error: 'cannot overwrite header: "Subject"' },
    ]);
    expect(await refusal({ ...base, Attachments: [{ Filename: 'a.bin', Content: '%%%' }] })).toEqual([
      400,
      { Error: 'error decoding base64 attachment "a.bin": illegal base64 data' },
    ]);
    expect(mock.messages()).toEqual([]);
  });
});

describe('beside the mock', () => {
  it("leaves the mock's own API, Mailgun and SES routes as they were, and answers Mailpit's health checks", async () => {
    await send({ to: 'ann@example.org', subject: 'one', text: 'Your code is 123456' });
    const own = (await (await fetch(`${mock.httpUrl}/api/messages`)).json()) as {
      items: Array<{ id: string }>;
    };
    const v1 = await mailpit.listMessages();
    expect(own.items.map((m) => m.id)).toEqual(v1.messages.map((m) => m.ID));
    const codes = await fetch(`${mock.httpUrl}/api/messages/${v1.messages[0]!.ID}/codes`);
    expect(((await codes.json()) as { code: string }).code).toBe('123456');
    expect((await fetch(`${mock.httpUrl}/mailgun/v3/domains/mg.example`)).status).toBe(200);
    expect((await fetch(`${mock.httpUrl}/ses/v2/email/account`)).status).toBe(200);
    for (const path of ['/livez', '/readyz']) {
      const res = await fetch(`${mock.httpUrl}${path}`);
      expect([res.status, await res.text()]).toEqual([200, 'ok']);
    }
  });
});
