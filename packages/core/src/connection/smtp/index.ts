import type { Credentials, Endpoint, TestEnv } from '../env';
import { openSession } from '../steps/open';
import { smtpAuthStep } from './auth';
import { smtpCheckStep } from './check';
import { ehloStep } from './ehlo';
import { greetingStep } from './greeting';
import { command } from './reply';
import { starttlsStep } from './starttls';

export type SmtpTestSettings = Endpoint & {
  credentials: Credentials;
  /** Envelope of the protocol check: the account's From address, to itself. */
  from: string;
  to?: string;
};

/** SMTP test: resolve, connect, tls, greeting, capabilities (EHLO), authenticate, check (MAIL/RCPT/RSET). */
export async function testSmtp(env: TestEnv, s: SmtpTestSettings): Promise<void> {
  const io = await openSession(env, s);
  try {
    await greetingStep(env, io);
    let caps = await ehloStep(env, io, s.security === 'tls');
    if (s.security === 'starttls') {
      await starttlsStep(env, io, s, caps.starttls);
      caps = await ehloStep(env, io, true);
    }
    await smtpAuthStep(env, io, s.credentials, caps.authMechanisms, { host: s.host, port: s.port });
    await smtpCheckStep(env, io, s.from, s.to ?? s.from);
    await command(io, 'QUIT', { what: 'QUIT', timeoutMs: env.config.timeouts.commandMs }).catch(
      () => undefined,
    );
  } finally {
    io.close();
  }
}
