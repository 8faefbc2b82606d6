import { classifyReply } from '../classify';
import { type Credentials, type TestEnv, transportSecurity } from '../env';
import { ConnectionFailure } from '../failure';
import { plainPayload, xoauth2Payload } from '../sasl/payloads';
import type { Pop3Capabilities } from './capa';
import type { Pop3Commander, Pop3Reply } from './command';

/** Step "authenticate": USER/PASS (or AUTH PLAIN / XOAUTH2 when that is all the server offers); PASS never reaches the transcript. */
export function pop3AuthStep(
  env: TestEnv,
  pop3: Pop3Commander,
  creds: Credentials,
  caps: Pop3Capabilities,
): Promise<void> {
  return env.steps.run('authenticate', async () => {
    if (creds.kind === 'none') {
      throw new ConnectionFailure({
        code: 'auth',
        message: 'POP3 needs a username and password',
        hint: 'Set the incoming authentication to password or OAuth2.',
      });
    }
    let mechanism: string;
    let r: Pop3Reply;
    if (creds.kind === 'oauth2') {
      mechanism = 'XOAUTH2';
      r = await pop3.run(`AUTH XOAUTH2 ${xoauth2Payload(creds.username, creds.accessToken)}`, {
        what: 'AUTH',
        shown: 'AUTH XOAUTH2 *****',
      });
      if (r.text.startsWith('+ ') || r.text === '+') r = await pop3.run('', { what: 'AUTH', shown: '' });
    } else if (caps.user || !caps.sasl.includes('PLAIN')) {
      mechanism = 'USER/PASS';
      r = await pop3.run(`USER ${creds.username}`, { what: 'USER' });
      if (r.ok) r = await pop3.run(`PASS ${creds.password}`, { what: 'PASS', shown: 'PASS *****' });
    } else {
      mechanism = 'PLAIN';
      r = await pop3.run(`AUTH PLAIN ${plainPayload(creds.username, creds.password)}`, {
        what: 'AUTH',
        shown: 'AUTH PLAIN *****',
      });
    }
    if (!r.ok) {
      throw new ConnectionFailure(classifyReply({ protocol: 'pop3', stage: 'auth', text: r.text }), {
        detail: { mechanism, username: creds.username },
      });
    }
    return {
      value: undefined,
      detail: { mechanism, username: creds.username, reply: r.text, ...transportSecurity(env) },
    };
  });
}
