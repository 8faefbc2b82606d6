import type { Credentials, Endpoint, TestEnv } from '../env';
import { openSession } from '../steps/open';
import { imapCapabilityStep } from './capability';
import { imapCheckStep } from './check';
import { ImapCommander } from './command';
import { imapGreetingStep } from './greeting';
import { imapLoginStep } from './login';
import { imapStarttlsStep } from './starttls';

export type ImapTestSettings = Endpoint & { credentials: Credentials; mailbox: string };

/** IMAP test: resolve, connect, tls, greeting, capabilities, authenticate, check (LIST/STATUS/newest UIDs). */
export async function testImap(env: TestEnv, s: ImapTestSettings): Promise<void> {
  const io = await openSession(env, s);
  const imap = new ImapCommander(io, env.config.timeouts.commandMs);
  try {
    const greeting = await imapGreetingStep(env, io);
    let caps = await imapCapabilityStep(env, imap, s.security === 'tls');
    if (s.security === 'starttls') {
      await imapStarttlsStep(env, io, imap, s, caps);
      caps = await imapCapabilityStep(env, imap, true);
    }
    if (!greeting.preauth) {
      await imapLoginStep(env, imap, s.credentials, caps, { host: s.host, port: s.port });
    }
    await imapCheckStep(env, imap, s.mailbox);
    await imap.run('LOGOUT', { what: 'LOGOUT' }).catch(() => undefined);
  } finally {
    io.close();
  }
}
