import { type LineSocket, type ReadOptions, sharedDeadline } from '../lineSocket';

export type ImapResponse = {
  status: 'OK' | 'NO' | 'BAD';
  /** The tagged line as the server sent it. */
  tagged: string;
  untagged: string[];
};

/** Reads one response line, splicing in `{n}` literals so a mailbox name with odd characters stays whole. */
export async function readResponseLine(io: LineSocket, opts: ReadOptions): Promise<string> {
  let line = await io.readLine(opts);
  for (let m = /\{(\d+)\+?\}$/.exec(line); m; m = /\{(\d+)\+?\}$/.exec(line)) {
    const literal = await io.readBytes(Number(m[1]), opts);
    const rest = await io.readLine(opts);
    line = `${line.slice(0, m.index)}"${literal.replace(/["\\]/g, '\\$&')}"${rest}`;
  }
  return line;
}

/** Sends tagged IMAP commands and collects untagged data until the tagged completion. */
export class ImapCommander {
  private n = 0;

  constructor(
    private readonly io: LineSocket,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Runs a command. `shown` is what the transcript records instead of a line holding a credential;
   * `onContinue` answers `+` continuation requests (SASL), returning the line to send and how to show it.
   */
  async run(
    cmd: string,
    opts: { what: string; shown?: string; onContinue?: (text: string) => { line: string; shown: string } } = {
      what: cmd.split(' ')[0] ?? cmd,
    },
  ): Promise<ImapResponse> {
    const tag = `A${++this.n}`;
    this.io.write(`${tag} ${cmd}`, opts.shown ? `${tag} ${opts.shown}` : undefined);
    const untagged: string[] = [];
    const read = sharedDeadline({ what: opts.what, timeoutMs: this.timeoutMs });
    for (;;) {
      const line = await readResponseLine(this.io, read());
      if (line.startsWith(`${tag} `)) {
        const status = line
          .slice(tag.length + 1)
          .split(' ')[0]
          ?.toUpperCase();
        return {
          status: status === 'OK' || status === 'NO' ? status : 'BAD',
          tagged: line,
          untagged,
        };
      }
      if (line.startsWith('+')) {
        const answer = opts.onContinue?.(line.slice(1).trim()) ?? { line: '*', shown: '*' };
        this.io.write(answer.line, answer.shown);
        continue;
      }
      untagged.push(line);
    }
  }
}

/** Quotes a string for an IMAP command (username, mailbox). */
export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** Capabilities from a CAPABILITY response or a greeting's `[CAPABILITY …]` code, upper-cased. */
export function parseCapabilities(lines: string[]): string[] {
  for (const line of lines) {
    const m = /^\* (?:OK \[)?CAPABILITY ([^\]]*)/i.exec(line);
    if (m?.[1]) return m[1].trim().toUpperCase().split(/\s+/);
  }
  return [];
}
