import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../../../events.js';
import { MessageStore } from '../../../store/store.js';
import type { StoredMessage } from '../../../types.js';
import { compileSearch, parseSearch, parseSearchDate, sizeToBytes, tokenize } from './search-query.js';

const stores: MessageStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** Stores a message built by nodemailer, as it would arrive, received at a given time. */
async function message(
  mail: SendMailOptions,
  extra: { receivedAt?: string; read?: boolean; tags?: string[]; rcptTo?: string[] } = {},
): Promise<StoredMessage> {
  const store = new MessageStore({ maxMessages: 10, maxAgeMs: 3600_000, maxBytes: 1 << 30 }, new EventLog());
  stores.push(store);
  const stored = await store.ingest({
    raw: await compose(mail),
    transport: 'smtp',
    envelope: { mailFrom: 'shop@example.org', rcptTo: extra.rcptTo ?? ['ann@example.org'] },
    authUser: null,
    secure: false,
    remoteAddress: null,
  });
  const changed = store.update(stored.id, { read: extra.read ?? false, tags: extra.tags ?? stored.tags })!;
  return { ...changed, receivedAt: extra.receivedAt ?? changed.receivedAt };
}

function compose(mail: SendMailOptions): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return transport
    .sendMail({ from: 'Shop Team <shop@example.org>', to: 'ann@example.org', ...mail })
    .then((info) => info.message as Buffer);
}

const hits = (query: string, messages: StoredMessage[], tz = 'UTC') =>
  messages.filter(compileSearch(query, { tz })).map((m) => m.subject);

describe('tokenize', () => {
  it('splits on whitespace and keeps quoted phrases together, without the quotes', () => {
    expect(tokenize('  to:"Ann Lee"   -subject:"big sale" word !"two words" ')).toEqual([
      'to:Ann Lee',
      '-subject:big sale',
      'word',
      '!two words',
    ]);
    expect(tokenize('"unterminated phrase')).toEqual(['unterminated phrase']);
  });
});

describe('parseSearch', () => {
  it('reads fields, flags, exclusions, sizes and dates, and drops what Mailpit ignores', () => {
    expect(
      parseSearch('from:Shop -to:<ann@example.org> !is:read has:attachments larger:2kb smaller:1M', {
        tz: 'UTC',
      }),
    ).toEqual([
      { field: 'from', value: 'shop', exclude: false },
      { field: 'to', value: 'ann@example.org', exclude: true },
      { field: 'is:read', value: '', exclude: true },
      { field: 'has:attachment', value: '', exclude: false },
      { field: 'larger', value: '2048', exclude: false },
      { field: 'smaller', value: String(1024 * 1024), exclude: false },
    ]);
    expect(parseSearch('subject:"Your Invoice" tag:host-1 message-id:<abc@x> addressed:bob')).toEqual([
      { field: 'subject', value: 'Your Invoice', exclude: false },
      { field: 'tag', value: 'host-1', exclude: false },
      { field: 'message-id', value: 'abc@x', exclude: false },
      { field: 'addressed', value: 'bob', exclude: false },
    ]);
    // No letter or digit, an empty field, an invalid date: ignored. Not a size: a word.
    expect(parseSearch('-- "" ! to: after:someday larger:huge')).toEqual([
      { field: 'text', value: 'larger:huge', exclude: false },
    ]);
    expect(parseSearch('after:2024/04/01 before:2024-04-02', { tz: 'UTC' })).toEqual([
      { field: 'after', value: String(Date.UTC(2024, 3, 1)), exclude: false },
      { field: 'before', value: String(Date.UTC(2024, 3, 2)), exclude: false },
    ]);
  });

  it('sizes', () => {
    expect([sizeToBytes('10'), sizeToBytes('1.5k'), sizeToBytes('2MB'), sizeToBytes('1g')]).toEqual([
      10,
      1536,
      2 * 1024 * 1024,
      0,
    ]);
  });
});

describe('parseSearchDate', () => {
  it('reads the usual forms in the given zone, or at the offset the value carries', () => {
    const april1 = Date.UTC(2024, 3, 1);
    expect(parseSearchDate('2024/04/01', 'UTC')).toBe(april1);
    expect(parseSearchDate('2024-04-01', 'UTC')).toBe(april1);
    expect(parseSearchDate('2024.04.01', 'UTC')).toBe(april1);
    expect(parseSearchDate('04/01/2024', 'UTC')).toBe(april1); // US month/day, as Mailpit
    expect(parseSearchDate('20240401', 'UTC')).toBe(april1);
    expect(parseSearchDate('2024-04-01 13:45', 'UTC')).toBe(Date.UTC(2024, 3, 1, 13, 45));
    expect(parseSearchDate('2024-04-01T10:00:00+02:00', 'Pacific/Auckland')).toBe(Date.UTC(2024, 3, 1, 8));
    expect(parseSearchDate('2024-04-01T10:00:00.5Z')).toBe(Date.UTC(2024, 3, 1, 10, 0, 0, 500));
    expect(parseSearchDate('1711929600')).toBe(april1);
    expect(parseSearchDate('1711929600000')).toBe(april1);
    // Auckland is at +13:00 (daylight time) on 1 April 2024, +12:00 a week later.
    expect(parseSearchDate('2024/04/01', 'Pacific/Auckland')).toBe(april1 - 13 * 3600_000);
    expect(parseSearchDate('2024/04/08', 'Pacific/Auckland')).toBe(Date.UTC(2024, 3, 8) - 12 * 3600_000);
    expect(parseSearchDate('2024/13/01', 'UTC')).toBeNull();
    expect(parseSearchDate('someday')).toBeNull();
    // An unknown zone is ignored, as in Mailpit: the process's own is used.
    expect(parseSearchDate('2024/04/01', 'Nowhere/City')).toBe(parseSearchDate('2024/04/01'));
  });
});

describe('compileSearch', () => {
  it('matches each element of the syntax', async () => {
    const invoice = await message(
      {
        to: 'Ann Lee <ann@example.org>',
        cc: 'bob@example.org',
        replyTo: 'help@example.org',
        subject: 'Your Invoice',
        text: 'Thank you for your order. Total due: 42 EUR.',
        attachments: [{ filename: 'invoice-2024.pdf', content: 'pdf' }],
        messageId: '<inv-1@shop.example>',
      },
      { receivedAt: '2024-04-01T10:00:00.000Z', read: true, tags: ['billing'] },
    );
    const news = await message(
      {
        from: 'News <news@letters.example>',
        subject: 'Weekly news',
        html: '<p>Big <b>sale</b> this week</p><img src="cid:banner">',
        attachments: [{ filename: 'banner.png', content: 'png', cid: 'banner' }],
      },
      { receivedAt: '2024-04-03T10:00:00.000Z', rcptTo: ['ann@example.org', 'secret@example.org'] },
    );
    const all = [invoice, news];

    expect(hits('from:shop', all)).toEqual(['Your Invoice']);
    expect(hits('from:"Shop Team"', all)).toEqual(['Your Invoice']);
    expect(hits('to:"ann lee"', all)).toEqual(['Your Invoice']);
    expect(hits('to:ann@example.org', all)).toEqual(['Your Invoice', 'Weekly news']);
    expect(hits('cc:bob', all)).toEqual(['Your Invoice']);
    expect(hits('bcc:secret', all)).toEqual(['Weekly news']);
    expect(hits('reply-to:help', all)).toEqual(['Your Invoice']);
    expect(hits('addressed:help@example.org', all)).toEqual(['Your Invoice']);
    expect(hits('subject:invoice', all)).toEqual(['Your Invoice']);
    expect(hits('message-id:inv-1@shop', all)).toEqual(['Your Invoice']);
    expect(hits('tag:Billing', all)).toEqual(['Your Invoice']);
    expect(hits('is:tagged', all)).toEqual(['Your Invoice']);
    expect(hits('is:read', all)).toEqual(['Your Invoice']);
    expect(hits('is:unread', all)).toEqual(['Weekly news']);
    expect(hits('has:attachment', all)).toEqual(['Your Invoice']);
    expect(hits('has:inline', all)).toEqual(['Weekly news']);
    // Plain words in any order, in the body (HTML as text), the headers or attachment names.
    expect(hits('EUR total', all)).toEqual(['Your Invoice']);
    expect(hits('big sale', all)).toEqual(['Weekly news']);
    expect(hits('"sale this week"', all)).toEqual(['Weekly news']);
    expect(hits('"this week sale"', all)).toEqual([]);
    expect(hits('invoice-2024.pdf', all)).toEqual(['Your Invoice']);
    // Negation with - or !.
    expect(hits('-from:shop', all)).toEqual(['Weekly news']);
    expect(hits('!has:attachment', all)).toEqual(['Weekly news']);
    expect(hits('ann -sale', all)).toEqual(['Your Invoice']);
    // Dates are received times; the bound itself is included; `tz` places a date without a zone.
    expect(hits('after:2024/04/02', all)).toEqual(['Weekly news']);
    expect(hits('before:2024/04/02', all)).toEqual(['Your Invoice']);
    expect(hits('after:2024-04-01T10:00:00Z before:2024-04-01T10:00:00Z', all)).toEqual(['Your Invoice']);
    expect(hits('-before:2024/04/02', all)).toEqual(['Weekly news']);
    expect(hits('before:2024-04-03T11:00', all, 'Europe/Paris')).toEqual(['Your Invoice']);
    expect(hits('before:2024-04-03T13:00', all, 'Europe/Paris')).toEqual(['Your Invoice', 'Weekly news']);
    // Sizes.
    expect(hits(`larger:${invoice.size - 1}`, [invoice])).toEqual(['Your Invoice']);
    expect(hits(`smaller:${invoice.size}`, [invoice])).toEqual([]);
  });
});
