import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from './classify';
import { parseVerp } from './verp';

const corpus = (f: string) => readFileSync(join(import.meta.dirname, 'corpus', f), 'utf8');

describe('classifyMessage', () => {
  it('asks the VERP callback about each address the bounce reached us at, To first', async () => {
    const seen: string[] = [];
    const c = await classifyMessage(corpus('gmail-dsn-hard.eml'), {
      verpAddress: (a) => {
        seen.push(a);
        return null;
      },
    });
    expect(c).toMatchObject({ kind: 'bounce', verpToken: null });
    // To, Delivered-To, then the returned message's Return-Path
    expect(seen).toEqual(['bounces+g1a@sender.test', 'bounces+g1a@sender.test', 'bounces+g1a@sender.test']);
  });

  it('finds the token in Delivered-To when the To header names the plain address', async () => {
    const raw = corpus('rfc3464-postfix-hard.eml')
      .replace(
        'To: bounces+token123@sender.test',
        'To: bounces@sender.test\nDelivered-To: bounces+dt55@sender.test',
      )
      .replace('Return-Path: <bounces+token123@sender.test>', 'Return-Path: <bounces@sender.test>');
    const c = await classifyMessage(raw, {
      verpAddress: (a) => parseVerp(a, 'bounces@sender.test')?.token ?? null,
    });
    expect(c).toMatchObject({ kind: 'bounce', verpToken: 'dt55' });
  });

  it('gives no token without a callback', async () => {
    expect(await classifyMessage(corpus('qmail-hard.eml'))).toMatchObject({
      kind: 'bounce',
      verpToken: null,
    });
  });

  it('reads the text when the delivery-status part names no recipient', async () => {
    const raw = corpus('rfc3464-postfix-hard.eml').replace(
      /Final-Recipient: rfc822; nobody@recipient.test\nOriginal-Recipient: rfc822;nobody@recipient.test\n/,
      '',
    );
    const c = await classifyMessage(raw);
    expect(c).toMatchObject({
      kind: 'bounce',
      format: 'postfix',
      rfc3464: false,
      recipients: [
        { address: 'nobody@recipient.test', status: '5.1.1', kind: 'hard', remoteMta: 'mx1.recipient.test' },
      ],
    });
  });

  it('does not take a bounce text sent by an ordinary sender for a bounce', async () => {
    const raw = corpus('qmail-hard.eml')
      .replace('Return-Path: <>', 'Return-Path: <someone@elsewhere.test>')
      .replace('From: MAILER-DAEMON@mx.qmail-site.test', 'From: Someone <someone@elsewhere.test>');
    expect(await classifyMessage(raw)).toEqual({ kind: 'other' });
  });

  it('takes a bounce text with a null Return-Path even from an unusual From', async () => {
    const raw = corpus('qmail-hard.eml').replace(
      'From: MAILER-DAEMON@mx.qmail-site.test',
      'From: relay@qmail-site.test',
    );
    expect(await classifyMessage(raw)).toMatchObject({ kind: 'bounce', format: 'qmail' });
  });

  it('takes an auto-reply with a null Return-Path (as RFC 3834 asks) for an auto-reply, not a bounce', async () => {
    const raw = [
      'Return-Path: <>',
      'From: Mail Delivery Robot <mail.delivery@client.test>',
      'To: bounces+x1@sender.test',
      'Subject: Automatic reply: Your order was rejected',
      'Auto-Submitted: auto-replied',
      'In-Reply-To: <order-9@sender.test>',
      '',
      'I am out of the office. Undeliverable parcels go to reception.',
      '',
    ].join('\r\n');
    expect(await classifyMessage(raw)).toMatchObject({ kind: 'auto_reply', reason: 'out_of_office' });
  });

  it('does not count an auto-generated notification as an auto-reply, but does one that answers a message', async () => {
    const raw = corpus('other-notification-auto-generated.eml');
    expect(await classifyMessage(raw)).toEqual({ kind: 'other' });
    const answering = raw.replace('Auto-Submitted:', 'In-Reply-To: <order-1@sender.test>\nAuto-Submitted:');
    expect(await classifyMessage(answering)).toEqual({
      kind: 'auto_reply',
      reason: 'auto_submitted',
      originalMessageId: '<order-1@sender.test>',
      from: 'no-reply@accounts.vendor.test',
    });
  });

  it('classifies an empty or header-only message as other', async () => {
    expect(await classifyMessage('')).toEqual({ kind: 'other' });
    expect(await classifyMessage(Buffer.from('Subject: hi\r\n\r\n'))).toEqual({ kind: 'other' });
  });
});
