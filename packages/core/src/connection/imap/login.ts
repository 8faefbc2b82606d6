import { classifyReply } from '../classify';
import { type Credentials, type TestEnv, transportSecurity } from '../env';
import { ConnectionFailure } from '../failure';
import { plainPayload, xoauth2Payload } from '../sasl/payloads';
import { type ImapCommander, type ImapResponse, quote } from './command';

/** Step "authenticate": AUTHENTICATE PLAIN / XOAUTH2 when offered, else LOGIN; credentials never reach the transcript. */
export function imapLoginStep(
  env: TestEnv,
  imap: ImapCommander,
  creds: Credentials,
  caps: string[],
): Promise<void> {
  return env.steps.run('authenticate', async () => {
    if (creds.kind === 'none') {
      throw new ConnectionFailure({
        code: 'auth',
        message: 'IMAP needs a username and password',
        hint: 'Set the incoming authentication to password or OAuth2.',
      });
    }
    const saslIr = caps.includes('SASL-IR');
    let mechanism: string;
    let r: ImapResponse;
    if (creds.kind === 'oauth2') {
      mechanism = 'XOAUTH2';
      const payload = xoauth2Payload(creds.username, creds.accessToken);
      r = await sasl(imap, 'XOAUTH2', payload, saslIr);
    } else if (caps.includes('AUTH=PLAIN')) {
      mechanism = 'PLAIN';
      r = await sasl(imap, 'PLAIN', plainPayload(creds.username, creds.password), saslIr);
    } else {
      if (caps.includes('LOGINDISABLED')) {
        throw new ConnectionFailure({
          code: 'auth',
          message: 'The server does not allow signing in on an unencrypted connection (LOGINDISABLED)',
          hint: 'Set security to "starttls" (port 143) or "tls" (port 993).',
        });
      }
      mechanism = 'LOGIN';
      r = await imap.run(`LOGIN ${quote(creds.username)} ${quote(creds.password)}`, {
        what: 'LOGIN',
        shown: `LOGIN ${quote(creds.username)} *****`,
      });
    }
    if (r.status !== 'OK') {
      throw new ConnectionFailure(classifyReply({ protocol: 'imap', stage: 'auth', text: r.tagged }), {
        detail: { mechanism, username: creds.username },
      });
    }
    return {
      value: undefined,
      detail: {
        mechanism,
        username: creds.username,
        reply: r.tagged.replace(/^\S+ /, ''),
        ...transportSecurity(env),
      },
    };
  });
}

function sasl(imap: ImapCommander, mech: string, payload: string, saslIr: boolean): Promise<ImapResponse> {
  let sent = saslIr;
  return imap.run(saslIr ? `AUTHENTICATE ${mech} ${payload}` : `AUTHENTICATE ${mech}`, {
    what: `AUTHENTICATE ${mech}`,
    shown: saslIr ? `AUTHENTICATE ${mech} *****` : `AUTHENTICATE ${mech}`,
    // A second "+" after the payload is the server's error challenge (XOAUTH2); an empty line ends it.
    onContinue: () => {
      if (sent) return { line: '', shown: '' };
      sent = true;
      return { line: payload, shown: '*****' };
    },
  });
}
