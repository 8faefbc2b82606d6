import { classifyReply } from '../classify';
import type { Endpoint, TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import type { LineSocket } from '../lineSocket';
import { upgradeSession } from '../steps/open';
import type { ImapCommander } from './command';

/** Step "tls" for IMAP STARTTLS; not offered is an error, never a silent downgrade. */
export function imapStarttlsStep(
  env: TestEnv,
  io: LineSocket,
  imap: ImapCommander,
  ep: Endpoint,
  caps: string[],
) {
  return upgradeSession(env, io, ep, async () => {
    if (!caps.includes('STARTTLS')) {
      throw new ConnectionFailure({
        code: 'tls',
        message: 'The server does not offer STARTTLS, which the security setting "starttls" requires',
        hint: 'Use security "tls" with port 993 if the server offers implicit TLS; "none" only on a network you trust.',
      });
    }
    const r = await imap.run('STARTTLS', { what: 'STARTTLS' });
    if (r.status !== 'OK')
      throw new ConnectionFailure(classifyReply({ protocol: 'imap', stage: 'starttls', text: r.tagged }));
    return r.tagged;
  });
}
