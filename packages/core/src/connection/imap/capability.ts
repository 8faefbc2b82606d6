import { classifyReply } from '../classify';
import type { TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import { type ImapCommander, parseCapabilities } from './command';

/** Step "capabilities": IMAP CAPABILITY, with the AUTH= mechanisms pulled out. */
export function imapCapabilityStep(env: TestEnv, imap: ImapCommander, afterTls: boolean): Promise<string[]> {
  return env.steps.run('capabilities', async () => {
    const r = await imap.run('CAPABILITY', { what: 'CAPABILITY' });
    if (r.status !== 'OK') {
      throw new ConnectionFailure(classifyReply({ protocol: 'imap', stage: 'capability', text: r.tagged }));
    }
    const caps = parseCapabilities(r.untagged);
    return {
      value: caps,
      detail: {
        capabilities: caps,
        authMechanisms: caps.filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5)),
        starttls: caps.includes('STARTTLS'),
        loginDisabled: caps.includes('LOGINDISABLED'),
        afterTls,
      },
    };
  });
}
