import { classifyReply } from '../classify';
import type { TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import { type ImapCommander, quote } from './command';

function unquote(s: string): string {
  return s.startsWith('"') ? s.slice(1, -1).replace(/\\(["\\])/g, '$1') : s;
}

/** Mailbox names from LIST responses. */
export function parseList(lines: string[]): string[] {
  const names: string[] = [];
  for (const line of lines) {
    const m = /^\* LIST \([^)]*\) (?:NIL|"(?:[^"\\]|\\.)*") (.+)$/i.exec(line);
    if (m?.[1]) names.push(unquote(m[1].trim()));
  }
  return names;
}

/** MESSAGES / UIDNEXT / UIDVALIDITY from a STATUS response. */
export function parseStatus(lines: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of lines) {
    const m = /^\* STATUS .*\(([^)]*)\)\s*$/i.exec(line);
    if (!m?.[1]) continue;
    const parts = m[1].trim().split(/\s+/);
    for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]!.toUpperCase()] = Number(parts[i + 1]);
  }
  return out;
}

const NEWEST = 5;

/** Step "check": LIST mailboxes, STATUS of the configured one (count, UIDNEXT), and the newest UIDs — read-only. */
export function imapCheckStep(env: TestEnv, imap: ImapCommander, mailbox: string): Promise<void> {
  return env.steps.run('check', async () => {
    const list = await imap.run('LIST "" "*"', { what: 'LIST' });
    if (list.status !== 'OK')
      throw new ConnectionFailure(classifyReply({ protocol: 'imap', stage: 'list', text: list.tagged }));
    const mailboxes = parseList(list.untagged);
    const status = await imap.run(`STATUS ${quote(mailbox)} (MESSAGES UIDNEXT UIDVALIDITY)`, {
      what: 'STATUS',
    });
    if (status.status !== 'OK') {
      throw new ConnectionFailure(
        {
          ...classifyReply({ protocol: 'imap', stage: 'status', text: status.tagged }),
          message: `The mailbox "${mailbox}" cannot be opened`,
          hint: `Check the mailbox name. The server has: ${mailboxes.slice(0, 20).join(', ') || 'no mailboxes'}.`,
        },
        { detail: { mailboxes: mailboxes.slice(0, 100) } },
      );
    }
    const st = parseStatus(status.untagged);
    const messages = st.MESSAGES ?? 0;
    let newestUids: number[] = [];
    if (messages > 0) {
      // EXAMINE is read-only: the test never changes \Seen flags.
      const ex = await imap.run(`EXAMINE ${quote(mailbox)}`, { what: 'EXAMINE' });
      if (ex.status === 'OK') {
        const fetch = await imap.run(`FETCH ${Math.max(1, messages - NEWEST + 1)}:* (UID)`, {
          what: 'FETCH',
        });
        newestUids = fetch.untagged
          .map((l) => /UID (\d+)/i.exec(l)?.[1])
          .filter((u): u is string => Boolean(u))
          .map(Number)
          .sort((a, b) => b - a);
      }
    }
    return {
      value: undefined,
      detail: {
        mailboxes: mailboxes.slice(0, 100),
        mailboxCount: mailboxes.length,
        mailbox,
        messages,
        uidNext: st.UIDNEXT ?? null,
        uidValidity: st.UIDVALIDITY ?? null,
        newestUids,
      },
    };
  });
}
