import { classifyReply } from '../classify';
import type { Endpoint, TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import type { LineSocket } from '../lineSocket';
import { upgradeSession } from '../steps/open';
import type { Pop3Commander } from './command';

/** Step "tls" for POP3 STLS; not offered is an error, never a silent downgrade. */
export function pop3StlsStep(
  env: TestEnv,
  io: LineSocket,
  pop3: Pop3Commander,
  ep: Endpoint,
  offered: boolean,
) {
  return upgradeSession(env, io, ep, async () => {
    if (!offered) {
      throw new ConnectionFailure({
        code: 'tls',
        message: 'The server does not offer STLS, which the security setting "starttls" requires',
        hint: 'Use security "tls" with port 995 if the server offers implicit TLS; "none" only on a network you trust.',
      });
    }
    const r = await pop3.run('STLS');
    if (!r.ok)
      throw new ConnectionFailure(classifyReply({ protocol: 'pop3', stage: 'starttls', text: r.text }));
    return r.text;
  });
}
