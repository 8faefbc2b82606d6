import { describe, expect, it } from 'vitest';
import { extractCodes, InvalidPatternError } from './extract.js';
import { htmlToText } from './html-to-text.js';

describe('extractCodes', () => {
  it('finds a 4–8 digit code with its context', () => {
    const { codes } = extractCodes({
      text: 'Hello,\n\nYour verification code is 482913.\nIt expires soon.',
      html: null,
    });
    expect(codes).toEqual([
      {
        value: '482913',
        context: 'Hello, Your verification code is 482913. It expires soon.',
        source: 'text',
      },
    ]);
  });

  it('skips numbers that are not codes: short, long, decimals, times, phone parts, URLs, addresses', () => {
    const text = [
      'Order 12 of 123456789 items costs 1234.50, call at 10:30 or +1 555-0123.',
      'See https://example.com/u/99887766 or write to user4455@example.org.',
      'Your PIN: 7788',
    ].join('\n');
    expect(extractCodes({ text, html: null }).codes.map((c) => c.value)).toEqual(['7788']);
  });

  it('reads the HTML part turned into text and dedupes codes found in both parts', () => {
    const { codes } = extractCodes({
      text: 'Code: 1111',
      html: '<html><head><style>.x{color:red} 9999</style></head><body><p>Code:&nbsp;<b>1111</b></p><p>Backup&#58; 2222</p></body></html>',
    });
    expect(codes).toEqual([
      { value: '1111', context: 'Code: 1111', source: 'text' },
      { value: '2222', context: 'Code: 1111 Backup: 2222', source: 'html' },
    ]);
  });

  it('uses a custom pattern, taking the first capture group', () => {
    const message = { text: 'Token: AB-12CD, code 5555', html: null };
    expect(extractCodes(message, 'Token: ([A-Z]{2}-\\w+)').codes.map((c) => c.value)).toEqual(['AB-12CD']);
    expect(extractCodes(message, '/token: (?<code>\\S+)/i').codes.map((c) => c.value)).toEqual(['AB-12CD,']);
    expect(() => extractCodes(message, '(')).toThrow(InvalidPatternError);
  });

  it('extracts links from text and HTML anchors with their context', () => {
    const { links } = extractCodes({
      text: 'Confirm: https://app.test/confirm?t=abc.\nAgain https://app.test/confirm?t=abc',
      html: '<a href="https://app.test/confirm?t=abc">Confirm</a> <a href=\'https://app.test/x?a=1&amp;b=2\'>Open <i>it</i></a> <a href="mailto:x@y">m</a>',
    });
    expect(links).toEqual([
      {
        url: 'https://app.test/confirm?t=abc',
        context: 'Confirm: https://app.test/confirm?t=abc. Again https://app.test/confirm?t=abc',
        source: 'text',
      },
      { url: 'https://app.test/x?a=1&b=2', context: 'Open it', source: 'html' },
    ]);
  });
});

describe('htmlToText', () => {
  it('breaks lines at blocks, drops head, style and script, decodes entities', () => {
    expect(
      htmlToText(
        '<head><title>T</title></head><script>var a=1</script><h1>Hi&nbsp;there</h1><p>a &amp; b</p><ul><li>one</li><li>two &#x2713;</li></ul>',
      ),
    ).toBe('Hi there\na & b\none\ntwo ✓');
  });
});
