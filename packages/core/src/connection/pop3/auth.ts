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
import type { Pop3Capabilities } from './capa';
import type { Pop3Commander, Pop3Reply } from './command';

/**
 * Step "authenticate": AUTH XOAUTH2 / OAUTHBEARER for OAuth2 (sasl/bearer.ts picks), else USER/PASS (or
 * AUTH PLAIN when that is all the server offers); PASS and tokens never reach the transcript.
 */
export function pop3AuthStep(
  env: TestEnv,
  pop3: Pop3Commander,
  creds: Credentials,
  caps: Pop3Capabilities,
  target: BearerTarget,
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
    let challenge: Record<string, string> | null = null;
    if (creds.kind === 'oauth2') {
      const bearer = offeredBearer(creds.mechanism, caps.sasl, 'SASL');
      mechanism = bearer;
      const message = bearerMessage(bearer, creds.username, creds.accessToken, target);
      env.transcript.addSecret(message);
      r = await pop3.run(`AUTH ${bearer} ${base64(message)}`, {
        what: 'AUTH',
        shown: `AUTH ${bearer} *****`,
      });
      // A refused token: `+ ` and a base64 JSON error; the client's answer makes the server send its -ERR.
      if (r.text.startsWith('+ ') || r.text === '+') {
        challenge = bearerChallengeError(r.text.slice(1));
        const answer = bearerErrorAnswer(bearer);
        r = await pop3.run(answer, { what: 'AUTH', shown: answer });
      }
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
        detail: { mechanism, username: creds.username, ...(challenge ? { serverError: challenge } : {}) },
      });
    }
    return {
      value: undefined,
      detail: { mechanism, username: creds.username, reply: r.text, ...transportSecurity(env) },
    };
  });
}
