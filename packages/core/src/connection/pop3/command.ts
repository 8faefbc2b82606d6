import { type LineSocket, sharedDeadline } from '../lineSocket';

export type Pop3Reply = { ok: boolean; text: string; lines: string[] };

/**
 * The most a multi-line reply may hold: a whole message (RETR) or a mailbox's listing (UIDL). Mail servers
 * refuse messages far smaller; a server streaming endlessly is cut off here instead of filling memory.
 */
export const MAX_MULTILINE = 64 * 1024 * 1024;

/** Sends POP3 commands; `multiline` replies are read up to the lone "." line and dot-unstuffed. */
export class Pop3Commander {
  constructor(
    private readonly io: LineSocket,
    private readonly timeoutMs: number,
  ) {}

  async run(
    cmd: string,
    opts: { what?: string; shown?: string; multiline?: boolean } = {},
  ): Promise<Pop3Reply> {
    this.io.write(cmd, opts.shown);
    return this.read(opts.what ?? cmd.split(' ')[0] ?? cmd, opts.multiline ?? false);
  }

  async read(what: string, multiline: boolean): Promise<Pop3Reply> {
    const read = sharedDeadline({
      what,
      timeoutMs: this.timeoutMs,
      ...(multiline ? { maxBytes: MAX_MULTILINE } : {}),
    });
    const text = await this.io.readLine(read());
    const ok = text.startsWith('+OK');
    const lines: string[] = [];
    if (ok && multiline) {
      for (let line = await this.io.readLine(read()); line !== '.'; line = await this.io.readLine(read())) {
        lines.push(line.startsWith('..') ? line.slice(1) : line);
      }
    }
    return { ok, text, lines };
  }
}
