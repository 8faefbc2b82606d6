import { classifyReply } from '../classify';
import type { TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import type { Pop3Commander } from './command';

const NEWEST = 5;

/** Step "check": STAT (message count and size) and UIDL (the newest unique ids); nothing is downloaded or deleted. */
export function pop3CheckStep(env: TestEnv, pop3: Pop3Commander): Promise<void> {
  return env.steps.run('check', async () => {
    const stat = await pop3.run('STAT');
    if (!stat.ok)
      throw new ConnectionFailure(classifyReply({ protocol: 'pop3', stage: 'STAT', text: stat.text }));
    const [, count = '0', size = '0'] = stat.text.split(/\s+/);
    const uidl = await pop3.run('UIDL', { multiline: true });
    if (!uidl.ok) {
      throw new ConnectionFailure({
        code: 'protocol',
        message: 'The server does not support UIDL, which Mailroom needs to fetch each message once',
        hint: 'Use IMAP for this mailbox, or ask the provider to enable UIDL.',
        reply: uidl.text,
      });
    }
    const uids = uidl.lines.map((l) => l.split(/\s+/)[1]).filter((u): u is string => Boolean(u));
    return {
      value: undefined,
      detail: { messages: Number(count), sizeBytes: Number(size), newestUids: uids.slice(-NEWEST).reverse() },
    };
  });
}
