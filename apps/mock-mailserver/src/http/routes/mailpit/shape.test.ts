import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../types.js';
import { canonicalHeaderName, headersOf, snippetOf } from './shape.js';

describe('headersOf', () => {
  it('answers like Go: canonical names, sorted, values in order, folded lines joined by a space', () => {
    const raw = Buffer.from(
      'Received: from a\r\n\tby b\r\nMIME-Version: 1.0\r\nX-MC-Tag: one\r\nreceived: from c\r\n' +
        'Subject: =?UTF-8?Q?caf=C3=A9?=\r\nDKIM-Signature: v=1;\r\n  a=rsa-sha256\r\n\r\nReceived: not a header\r\n',
    );
    expect(headersOf(raw)).toEqual({
      'Dkim-Signature': ['v=1; a=rsa-sha256'],
      'Mime-Version': ['1.0'],
      Received: ['from a by b', 'from c'],
      Subject: ['=?UTF-8?Q?caf=C3=A9?='],
      'X-Mc-Tag': ['one'],
    });
    expect(Object.keys(headersOf(raw))).toEqual([
      'Dkim-Signature',
      'Mime-Version',
      'Received',
      'Subject',
      'X-Mc-Tag',
    ]);
  });

  it('leaves a name with characters Go would not canonicalise as it is', () => {
    expect(canonicalHeaderName('message-id')).toBe('Message-Id');
    expect(canonicalHeaderName('X_Odd')).toBe('X_Odd');
  });
});

describe('snippetOf', () => {
  const message = (text: string, html: string | null) => ({ text, html }) as StoredMessage;

  it('reads the HTML as text when there is HTML, collapses whitespace and cuts at 200 characters', () => {
    expect(snippetOf(message('plain', '<p>Hello <b>there</b></p>\n<p>again</p>'))).toBe('Hello there again');
    expect(snippetOf(message('  line one\n\n line two ', null))).toBe('line one line two');
    const long = 'é'.repeat(250);
    expect(snippetOf(message(long, null))).toBe(`${'é'.repeat(200)}...`);
  });
});
