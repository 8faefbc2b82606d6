import { classifyReply } from '../classify';
import { type Credentials, type TestEnv, transportSecurity } from '../env';
import { ConnectionFailure } from '../failure';
import {
  type BearerTarget,
  bearerChallengeError,
  bearerErrorAnswer,
  bearerMessage,
  offeredBearer,
} from '../sasl/bearer';
import { base64, plainPayload } from '../sasl/payloads';
import { type ImapCommander, type ImapResponse, quote } from './command';

/**
 * Step "authenticate": AUTHENTICATE XOAUTH2 / OAUTHBEARER for OAuth2 (sasl/bearer.ts picks), PLAIN when
 * offered, else LOGIN; credentials never reach the transcript.
 */
export function imapLoginStep(
  env: TestEnv,
  imap: ImapCommander,
  creds: Credentials,
  caps: string[],
  target: BearerTarget,
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
    let challenge: Record<string, string> | null = null;
    if (creds.kind === 'oauth2') {
      const offered = caps.filter((c) => /^AUTH=/i.test(c)).map((c) => c.slice(5).toUpperCase());
      const bearer = offeredBearer(creds.mechanism, offered, 'AUTHENTICATE');
      mechanism = bearer;
      const message = bearerMessage(bearer, creds.username, creds.accessToken, target);
      env.transcript.addSecret(message);
      r = await sasl(imap, bearer, base64(message), saslIr, (text) => {
        // The error challenge (base64 JSON): the answer makes the server send its tagged NO.
        challenge = bearerChallengeError(text);
        return bearerErrorAnswer(bearer);
      });
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
        detail: { mechanism, username: creds.username, ...(challenge ? { serverError: challenge } : {}) },
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

/** AUTHENTICATE with one message; a `+` after it is the server's error challenge, answered by `onError`. */
function sasl(
  imap: ImapCommander,
  mech: string,
  payload: string,
  saslIr: boolean,
  onError: (challenge: string) => string = () => '',
): Promise<ImapResponse> {
  let sent = saslIr;
  return imap.run(saslIr ? `AUTHENTICATE ${mech} ${payload}` : `AUTHENTICATE ${mech}`, {
    what: `AUTHENTICATE ${mech}`,
    shown: saslIr ? `AUTHENTICATE ${mech} *****` : `AUTHENTICATE ${mech}`,
    onContinue: (text) => {
      if (sent) {
        const line = onError(text);
        return { line, shown: line };
      }
      sent = true;
      return { line: payload, shown: '*****' };
    },
  });
}
