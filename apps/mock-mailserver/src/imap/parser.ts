/**
 * IMAP command framing and tokens (RFC 3501 section 9, RFC 7888 LITERAL+).
 *
 * `CommandReader` cuts the byte stream into commands: a command is one line, or several when
 * literals (`{n}` synchronizing, `{n+}` not) carry bytes between them. `tokenize` turns a
 * command into atoms, strings and parenthesised lists. A fetch attribute such as
 * `BODY.PEEK[HEADER.FIELDS (From To)]<0.100>` stays one atom: brackets hold spaces.
 */

export type Token =
  | { type: 'atom'; value: string }
  | { type: 'string'; value: Buffer }
  | { type: 'list'; items: Token[] };

/** A command's text (latin1, literal bytes left out, each `{n}` marker kept with its CRLF) and its literals in order. */
export interface RawCommand {
  text: string;
  literals: Buffer[];
}

export class ImapParseError extends Error {}

/** Longest line outside literals: long enough for a UID set of thousands of numbers. */
export const MAX_LINE = 1024 * 1024;

export type ReadResult =
  | { kind: 'command'; command: RawCommand }
  /** A literal was announced; the session accepts it (`acceptLiteral`) or refuses the command (`abandon`). */
  | { kind: 'literal'; size: number; sync: boolean; tag: string }
  | { kind: 'too-long' };

const EMPTY = Buffer.alloc(0);

export class CommandReader {
  private input: Buffer = EMPTY;
  /**
   * Chunks not yet in `input`. A client that pipelines (APPENDs with LITERAL+) sends faster than
   * commands run; joining each chunk onto all that is pending would copy it again and again.
   */
  private queue: Buffer[] = [];
  private text = '';
  private literals: Buffer[] = [];
  private need = -1;
  private got = 0;
  private chunks: Buffer[] = [];

  push(chunk: Buffer): void {
    if (this.input.length === 0 && this.queue.length === 0) this.input = chunk;
    else this.queue.push(chunk);
  }

  /** Drops everything read so far (after STARTTLS nothing sent in the clear may be run). */
  clear(): void {
    this.input = EMPTY;
    this.queue = [];
    this.abandon();
  }

  /** The index of the next line end in `input`, taking queued chunks in until one holds it (-1: none yet). */
  private lineEnd(): number {
    let eol = this.input.indexOf(0x0a);
    while (eol === -1 && this.queue.length > 0 && this.input.length <= MAX_LINE) {
      const from = this.input.length;
      const chunk = this.queue.shift()!;
      this.input = from ? Buffer.concat([this.input, chunk]) : chunk;
      eol = this.input.indexOf(0x0a, from);
    }
    return eol;
  }

  /** Forgets the command being read (its literal was refused). */
  abandon(): void {
    this.text = '';
    this.literals = [];
    this.need = -1;
    this.got = 0;
    this.chunks = [];
  }

  /** Reads the literal announced last. */
  acceptLiteral(size: number): void {
    this.need = size;
    this.got = 0;
  }

  /** Bytes of the literals the command being read holds so far. */
  get literalBytes(): number {
    return this.literals.reduce((sum, literal) => sum + literal.length, 0);
  }

  /** One whole line, for the answers to a continuation (IDLE's DONE, an AUTHENTICATE response). */
  nextLine(): string | null {
    const eol = this.lineEnd();
    if (eol === -1) return null;
    const end = eol > 0 && this.input[eol - 1] === 0x0d ? eol - 1 : eol;
    const line = this.input.subarray(0, end).toString('latin1');
    this.input = this.input.subarray(eol + 1);
    return line;
  }

  /** The next complete command, a literal to decide on, or null when more input is needed. */
  next(): ReadResult | null {
    for (;;) {
      if (this.need >= 0) {
        while (this.got < this.need) {
          if (this.input.length === 0) {
            if (this.queue.length === 0) return null;
            this.input = this.queue.shift()!;
          }
          const take = Math.min(this.need - this.got, this.input.length);
          this.chunks.push(this.input.subarray(0, take));
          this.input = this.input.subarray(take);
          this.got += take;
        }
        this.literals.push(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks));
        this.chunks = [];
        this.need = -1;
      }
      const eol = this.lineEnd();
      if (eol === -1) return this.input.length > MAX_LINE ? { kind: 'too-long' } : null;
      if (eol > MAX_LINE) return { kind: 'too-long' };
      const end = eol > 0 && this.input[eol - 1] === 0x0d ? eol - 1 : eol;
      const line = this.input.subarray(0, end).toString('latin1');
      this.input = this.input.subarray(eol + 1);
      this.text += `${line}\r\n`;
      const literal = /\{(\d{1,10})(\+)?\}$/.exec(line);
      if (literal) {
        const tag = /^\S*/.exec(this.text)![0];
        return { kind: 'literal', size: Number(literal[1]), sync: !literal[2], tag };
      }
      const command = { text: this.text, literals: this.literals };
      this.text = '';
      this.literals = [];
      return { kind: 'command', command };
    }
  }
}

const ATOM_END = new Set([' ', '(', ')', '\r', '\n']);

/** Splits a command into tokens; throws ImapParseError for unbalanced lists or strings. */
export function tokenize({ text, literals }: RawCommand): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  let literalIndex = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    const top = stack[stack.length - 1]!;
    if (c === '(') {
      const list: Token = { type: 'list', items: [] };
      top.push(list);
      stack.push(list.items);
      i++;
      continue;
    }
    if (c === ')') {
      if (stack.length === 1) throw new ImapParseError('unexpected )');
      stack.pop();
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let out = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < n) j++;
        if (text[j] === '\r' || text[j] === '\n') break;
        out += text[j];
        j++;
      }
      if (text[j] !== '"') throw new ImapParseError('unterminated quoted string');
      top.push({ type: 'string', value: Buffer.from(out, 'latin1') });
      i = j + 1;
      continue;
    }
    if (c === '{') {
      const marker = /^\{\d+\+?\}\r\n/.exec(text.slice(i, i + 16));
      if (marker) {
        const value = literals[literalIndex++];
        if (!value) throw new ImapParseError('missing literal');
        top.push({ type: 'string', value });
        i += marker[0].length;
        continue;
      }
    }
    let j = i;
    let depth = 0;
    while (j < n) {
      const d = text[j]!;
      if (d === '[') depth++;
      else if (d === ']') depth = Math.max(0, depth - 1);
      else if (depth === 0 && ATOM_END.has(d)) break;
      else if (d === '\r' || d === '\n') break;
      j++;
    }
    top.push({ type: 'atom', value: text.slice(i, j) });
    i = j;
  }
  if (stack.length !== 1) throw new ImapParseError('unbalanced parentheses');
  return root;
}

/** A token as text: an atom, or a string decoded as UTF-8; throws for a list. */
export function text(token: Token | undefined, what = 'argument'): string {
  if (!token) throw new ImapParseError(`missing ${what}`);
  if (token.type === 'atom') return token.value;
  if (token.type === 'string') return token.value.toString('utf8');
  throw new ImapParseError(`${what} must not be a list`);
}

/** An atom's value, upper case; throws for anything else. */
export function atom(token: Token | undefined, what = 'argument'): string {
  if (token?.type !== 'atom') throw new ImapParseError(`expected ${what}`);
  return token.value.toUpperCase();
}

/** The items of a list, or the token alone (flag lists may come without parentheses). */
export function listOf(token: Token | undefined): Token[] {
  if (!token) return [];
  return token.type === 'list' ? token.items : [token];
}
