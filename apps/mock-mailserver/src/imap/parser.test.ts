import { describe, expect, it } from 'vitest';
import { internalDate, parseDate, parseDateTime, string } from './encode.js';
import { lineCount, parseMime } from './mime.js';
import { CommandReader, ImapParseError, type ReadResult, type Token, tokenize } from './parser.js';
import { parseSection, sectionContent } from './sections.js';
import { compactSet, parseSequenceSet, resolveSet } from './sequence.js';
import { bodyStructure, envelope } from './structure.js';

/** Feeds input into a reader, accepting every literal, and returns what it yields. */
function read(...chunks: string[]): { results: ReadResult[]; reader: CommandReader } {
  const reader = new CommandReader();
  const results: ReadResult[] = [];
  for (const chunk of chunks) {
    reader.push(Buffer.from(chunk, 'latin1'));
    for (let r = reader.next(); r; r = reader.next()) {
      results.push(r);
      if (r.kind === 'literal') reader.acceptLiteral(r.size);
    }
  }
  return { results, reader };
}

const plain = (tokens: Token[]): unknown =>
  tokens.map((t) =>
    t.type === 'atom' ? t.value : t.type === 'string' ? `s:${t.value.toString('latin1')}` : plain(t.items),
  );

describe('CommandReader', () => {
  it('cuts lines into commands and waits for the rest of a line', () => {
    const { results } = read('A1 NOOP\r\nA2 LOG', 'IN ann x\r\n');
    expect(results).toEqual([
      { kind: 'command', command: { text: 'A1 NOOP\r\n', literals: [] } },
      { kind: 'command', command: { text: 'A2 LOGIN ann x\r\n', literals: [] } },
    ]);
  });

  it('asks about each literal, then reads its bytes, CRLFs and all, split across chunks', () => {
    const { results } = read('A1 LOGIN {3}\r\n', 'a\r\n {4+}\r\nb c', 'd\r\n');
    expect(results).toEqual([
      { kind: 'literal', size: 3, sync: true, tag: 'A1' },
      { kind: 'literal', size: 4, sync: false, tag: 'A1' },
      {
        kind: 'command',
        command: {
          text: 'A1 LOGIN {3}\r\n {4+}\r\n\r\n',
          literals: [Buffer.from('a\r\n'), Buffer.from('b cd')],
        },
      },
    ]);
  });

  it('refuses a line longer than 1 MiB', () => {
    const reader = new CommandReader();
    reader.push(Buffer.alloc(1024 * 1024 + 1, 0x41));
    expect(reader.next()).toEqual({ kind: 'too-long' });
  });

  it('reads input pushed while a command ran (pipelined APPENDs) in order, byte by byte', () => {
    const input = 'A1 APPEND INBOX {5+}\r\nhello\r\nA2 APPEND INBOX {4+}\r\nb\r\nc\r\nA3 NOOP\r\n';
    const reader = new CommandReader();
    // Everything arrives before the reader is asked for anything, one byte per chunk.
    for (const byte of Buffer.from(input, 'latin1')) reader.push(Buffer.from([byte]));
    const results: ReadResult[] = [];
    for (let r = reader.next(); r; r = reader.next()) {
      results.push(r);
      if (r.kind === 'literal') reader.acceptLiteral(r.size);
    }
    expect(results.filter((r) => r.kind === 'command')).toEqual([
      {
        kind: 'command',
        command: { text: 'A1 APPEND INBOX {5+}\r\n\r\n', literals: [Buffer.from('hello')] },
      },
      {
        kind: 'command',
        command: { text: 'A2 APPEND INBOX {4+}\r\n\r\n', literals: [Buffer.from('b\r\nc')] },
      },
      { kind: 'command', command: { text: 'A3 NOOP\r\n', literals: [] } },
    ]);
  });
});

describe('tokenize', () => {
  it('reads atoms, quoted strings, literals and nested lists', () => {
    const { results } = read('A1 APPEND "Sent \\"x\\"" (\\Seen $Work) {5}\r\nhello\r\n');
    const last = results.at(-1)!;
    if (last.kind !== 'command') throw new Error('no command');
    expect(plain(tokenize(last.command))).toEqual([
      'A1',
      'APPEND',
      's:Sent "x"',
      ['\\Seen', '$Work'],
      's:hello',
    ]);
  });

  it('keeps a fetch attribute with a bracketed section as one atom', () => {
    const tokens = tokenize({
      text: 'A1 FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (From To)]<0.100>)\r\n',
      literals: [],
    });
    expect(plain(tokens)).toEqual([
      'A1',
      'FETCH',
      '1:*',
      ['UID', 'BODY.PEEK[HEADER.FIELDS (From To)]<0.100>'],
    ]);
  });

  it('throws on unbalanced lists and unterminated strings', () => {
    expect(() => tokenize({ text: 'A1 X (a\r\n', literals: [] })).toThrow(ImapParseError);
    expect(() => tokenize({ text: 'A1 X a)\r\n', literals: [] })).toThrow(ImapParseError);
    expect(() => tokenize({ text: 'A1 X "abc\r\n', literals: [] })).toThrow(ImapParseError);
  });
});

describe('sequence sets', () => {
  it('resolves ranges, * and reversed ranges against sorted values', () => {
    const uids = [3, 5, 8, 13];
    expect(resolveSet(parseSequenceSet('1:5'), uids)).toEqual([0, 1]);
    expect(resolveSet(parseSequenceSet('13:6,3'), uids)).toEqual([0, 2, 3]);
    expect(resolveSet(parseSequenceSet('*'), uids)).toEqual([3]);
    // n:* with n past every UID still names the last message (RFC 3501 6.4.8).
    expect(resolveSet(parseSequenceSet('100:*'), uids)).toEqual([3]);
    expect(resolveSet(parseSequenceSet('14'), uids)).toEqual([]);
    expect(() => parseSequenceSet('1:x')).toThrow(ImapParseError);
    expect(() => parseSequenceSet('0')).toThrow(ImapParseError);
  });

  it('writes UID lists compactly', () => {
    expect(compactSet([1, 2, 3, 7, 9, 10])).toBe('1:3,7,9:10');
    expect(compactSet([4])).toBe('4');
  });
});

describe('encoding', () => {
  it('quotes what it can and sends the rest as a literal', () => {
    expect(string('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
    expect(string('two\r\nlines')).toBe('{10}\r\ntwo\r\nlines');
    expect(string(Buffer.from('Grüße').toString('latin1'))).toBe(
      `{7}\r\n${Buffer.from('Grüße').toString('latin1')}`,
    );
  });

  it('writes and reads IMAP dates', () => {
    expect(internalDate('2026-01-05T09:30:00.000Z')).toBe('" 5-Jan-2026 09:30:00 +0000"');
    expect(parseDateTime(' 5-Jan-2026 10:30:00 +0100')?.toISOString()).toBe('2026-01-05T09:30:00.000Z');
    expect(parseDateTime('5-Foo-2026 10:30:00 +0100')).toBeNull();
    expect(parseDate('1-Feb-2026')).toBe(Date.UTC(2026, 1, 1));
  });
});

const NESTED = Buffer.from(
  [
    'From: "Ann, A." <ann@example.org>',
    'To: team: bob@example.org, cy@example.org;',
    'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=',
    'Message-ID: <m1@example.org>',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'preamble',
    '--outer',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello',
    'there',
    '--outer',
    'Content-Type: message/rfc822',
    'Content-Disposition: attachment; filename="fwd.eml"',
    '',
    'From: cy@example.org',
    'Subject: inner',
    'Content-Type: multipart/alternative; boundary=inner',
    '',
    '--inner',
    'Content-Type: text/plain',
    '',
    'inner text',
    '--inner',
    'Content-Type: text/html',
    '',
    '<p>inner</p>',
    '--inner--',
    '--outer--',
    'epilogue',
    '',
  ].join('\r\n'),
);

describe('MIME walker, sections and structure', () => {
  const tree = parseMime(NESTED);

  it('finds the parts and the message a message/rfc822 part carries', () => {
    expect(tree.children?.map((c) => `${c.type}/${c.subtype}`)).toEqual(['text/plain', 'message/rfc822']);
    expect(tree.children?.[0]?.body.toString()).toBe('Hello\r\nthere');
    expect(lineCount(tree.children![0]!.body)).toBe(2);
    expect(tree.children?.[1]?.message?.children?.map((c) => c.body.toString())).toEqual([
      'inner text',
      '<p>inner</p>',
    ]);
  });

  it('serves sections by part number, HEADER, TEXT, MIME and HEADER.FIELDS', () => {
    const at = (spec: string) => sectionContent(NESTED, tree, parseSection(spec))?.toString() ?? null;
    expect(at('')).toBe(NESTED.toString());
    expect(at('1')).toBe('Hello\r\nthere');
    expect(at('1.MIME')).toBe('Content-Type: text/plain; charset=utf-8\r\n\r\n');
    expect(at('2.HEADER')).toContain('Subject: inner\r\n');
    expect(at('2.1')).toBe('inner text');
    expect(at('2.2')).toBe('<p>inner</p>');
    expect(at('2.TEXT')).toMatch(/^--inner\r\n/);
    expect(at('HEADER.FIELDS (SUBJECT message-id)')).toBe(
      'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <m1@example.org>\r\n\r\n',
    );
    expect(at('HEADER.FIELDS.NOT (From To Subject Message-ID)')).toBe(
      'Content-Type: multipart/mixed; boundary="outer"\r\n\r\n',
    );
    expect(at('3')).toBeNull();
    expect(at('1.2')).toBeNull();
    expect(() => parseSection('MIME')).toThrow(ImapParseError);
    expect(() => parseSection('HEADER.FIELDS')).toThrow(ImapParseError);
  });

  it('builds ENVELOPE with groups and Sender / Reply-To defaulting to From', () => {
    expect(envelope(tree)).toBe(
      '(NIL "=?utf-8?q?Gr=C3=BC=C3=9Fe?=" (("Ann, A." NIL "ann" "example.org")) (("Ann, A." NIL "ann" "example.org")) ' +
        '(("Ann, A." NIL "ann" "example.org")) ((NIL NIL "team" NIL)(NIL NIL "bob" "example.org")(NIL NIL "cy" "example.org")(NIL NIL NIL NIL)) ' +
        'NIL NIL NIL "<m1@example.org>")',
    );
  });

  it('builds BODYSTRUCTURE with sizes, lines, the nested message and extension data', () => {
    expect(bodyStructure(tree, true)).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 12 2 NIL NIL NIL NIL)' +
        '("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 201 (NIL "inner" ((NIL NIL "cy" "example.org")) ((NIL NIL "cy" "example.org")) ((NIL NIL "cy" "example.org")) NIL NIL NIL NIL NIL) ' +
        '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "us-ascii") NIL NIL "7BIT" 12 1 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL) ' +
        '13 NIL ("ATTACHMENT" ("FILENAME" "fwd.eml")) NIL NIL) "MIXED" ("BOUNDARY" "outer") NIL NIL NIL)',
    );
    expect(bodyStructure(parseMime(Buffer.from('Subject: x\r\n\r\nhi\r\n')), false)).toBe(
      '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 4 1)',
    );
  });
});
