import { ConnectionFailure } from '../failure';
import { defaultHints } from '../hints';
import { type LineSocket, type ReadOptions, sharedDeadline } from '../lineSocket';

export type SmtpReply = { code: number; lines: string[]; text: string };

/** Reads one (possibly multi-line) SMTP reply: `250-…` lines up to the `250 …` line. */
export async function readReply(io: LineSocket, opts: ReadOptions): Promise<SmtpReply> {
  const lines: string[] = [];
  const next = sharedDeadline(opts);
  for (;;) {
    const line = await io.readLine(next());
    const m = /^(\d{3})(?:([ -])(.*))?$/.exec(line);
    if (!m) {
      throw new ConnectionFailure({
        code: opts.what === 'greeting' ? 'greeting' : 'protocol',
        message: `The server sent something that is not an SMTP reply to ${opts.what}`,
        hint: opts.what === 'greeting' ? defaultHints.greeting : defaultHints.protocol,
        reply: line.slice(0, 300),
      });
    }
    lines.push(m[3] ?? '');
    if (m[2] !== '-') {
      const code = Number(m[1]);
      return { code, lines, text: lines.map((l) => `${code} ${l}`).join('\n') };
    }
  }
}

/** Sends a command and reads its reply within the command timeout; `shown` masks a credential in the transcript. */
export async function command(
  io: LineSocket,
  line: string,
  opts: { what: string; timeoutMs: number; shown?: string },
): Promise<SmtpReply> {
  io.write(line, opts.shown);
  return readReply(io, { what: opts.what, timeoutMs: opts.timeoutMs });
}
