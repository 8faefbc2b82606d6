import type { Credentials, Endpoint, TestEnv } from '../env';
import { openSession } from '../steps/open';
import { pop3AuthStep } from './auth';
import { pop3CapaStep } from './capa';
import { pop3CheckStep } from './check';
import { Pop3Commander } from './command';
import { pop3GreetingStep } from './greeting';
import { pop3StlsStep } from './stls';

export type Pop3TestSettings = Endpoint & { credentials: Credentials };

/** POP3 test: resolve, connect, tls, greeting, capabilities (CAPA), authenticate, check (STAT/UIDL). */
export async function testPop3(env: TestEnv, s: Pop3TestSettings): Promise<void> {
  const io = await openSession(env, s);
  const pop3 = new Pop3Commander(io, env.config.timeouts.commandMs);
  try {
    await pop3GreetingStep(env, io);
    let caps = await pop3CapaStep(env, pop3, s.security === 'tls');
    if (s.security === 'starttls') {
      await pop3StlsStep(env, io, pop3, s, caps.stls);
      caps = await pop3CapaStep(env, pop3, true);
    }
    await pop3AuthStep(env, pop3, s.credentials, caps, { host: s.host, port: s.port });
    await pop3CheckStep(env, pop3);
    await pop3.run('QUIT').catch(() => undefined);
  } finally {
    io.close();
  }
}
