import { classifyReply } from '../classify';
import { type Credentials, type TestEnv, transportSecurity } from '../env';
import { ConnectionFailure } from '../failure';
import type { LineSocket } from '../lineSocket';
import {
  type BearerMechanism,
  type BearerTarget,
  bearerChallengeError,
  bearerErrorAnswer,
  bearerMessage,
  pickBearerMechanism,
} from '../sasl/bearer';
import { base64, cramMd5Answer, plainPayload } from '../sasl/payloads';
import { command, type SmtpReply } from './reply';

const PASSWORD_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const;

/**
 * Picks the mechanism: for OAuth2 accounts the one their setting names (auto: XOAUTH2 unless only
 * OAUTHBEARER is offered), when offered; else PLAIN, LOGIN, CRAM-MD5 in that order of preference.
 */
export function pickMechanism(creds: Credentials, offered: string[]): string | null {
  if (creds.kind === 'oauth2') {
    const mechanism = pickBearerMechanism(creds.mechanism, offered);
    return offered.includes(mechanism) ? mechanism : null;
  }
  return PASSWORD_MECHANISMS.find((m) => offered.includes(m)) ?? null;
}

/** Step "authenticate": SMTP AUTH with the picked mechanism; every client line of the exchange is masked. */
export function smtpAuthStep(
  env: TestEnv,
  io: LineSocket,
  creds: Credentials,
  offered: string[],
  target: BearerTarget,
): Promise<void> {
  const timeoutMs = env.config.timeouts.commandMs;
  return env.steps.run('authenticate', async () => {
    if (creds.kind === 'none')
      return { value: undefined, detail: { mechanism: 'none', note: 'no authentication configured' } };
    const mechanism = pickMechanism(creds, offered);
    if (!mechanism) {
      throw new ConnectionFailure({
        code: 'auth',
        message: !offered.length
          ? 'The server offers no authentication on this connection'
          : creds.kind === 'oauth2' && creds.mechanism && creds.mechanism !== 'auto'
            ? `The server offers AUTH ${offered.join(' ')}, not ${creds.mechanism.toUpperCase()} (the account's SASL mechanism)`
            : `The server offers AUTH ${offered.join(' ')}, none of which Mailroom can use for this account`,
        hint: !offered.length
          ? 'Many servers offer AUTH only after STARTTLS: set security to "starttls" (or "tls" on port 465).'
          : creds.kind === 'oauth2'
            ? 'Set the SASL mechanism to "auto", or use a password if the server takes no OAuth2 token.'
            : 'Use a password account for PLAIN/LOGIN/CRAM-MD5 servers, OAuth2 for XOAUTH2/OAUTHBEARER servers.',
      });
    }
    // Inside the SASL exchange the transcript masks every client line unless told what to show.
    const say = (line: string, shown = '*****') =>
      command(io, line, { what: `AUTH ${mechanism}`, timeoutMs, shown });
    let reply: SmtpReply;
    let challenge: Record<string, string> | null = null;
    io.transcript.sasl(true);
    try {
      if (creds.kind === 'oauth2') {
        const bearer = mechanism as BearerMechanism;
        const message = bearerMessage(bearer, creds.username, creds.accessToken, target);
        // The exact string sent, masked whole in clear and base64 (OAUTHBEARER's carries host and port).
        env.transcript.addSecret(message);
        reply = await say(`AUTH ${bearer} ${base64(message)}`, `AUTH ${bearer} *****`);
        // A refused token: a 334 with a JSON error; the client's answer makes the server send its 535.
        if (reply.code === 334) {
          challenge = bearerChallengeError(reply.lines[0] ?? '');
          reply = await say(bearerErrorAnswer(bearer), bearerErrorAnswer(bearer));
        }
      } else {
        reply = await exchange(mechanism, creds, say);
      }
    } finally {
      io.transcript.sasl(false);
    }
    if (reply.code !== 235) {
      throw new ConnectionFailure(
        classifyReply({ protocol: 'smtp', stage: 'auth', code: reply.code, text: reply.text }),
        {
          detail: { mechanism, username: creds.username, ...(challenge ? { serverError: challenge } : {}) },
        },
      );
    }
    return {
      value: undefined,
      detail: { mechanism, username: creds.username, reply: reply.text, ...transportSecurity(env) },
    };
  });
}

async function exchange(
  mechanism: string,
  creds: Extract<Credentials, { kind: 'password' }>,
  say: (line: string, shown?: string) => Promise<SmtpReply>,
): Promise<SmtpReply> {
  if (mechanism === 'PLAIN')
    return say(`AUTH PLAIN ${plainPayload(creds.username, creds.password)}`, 'AUTH PLAIN *****');
  if (mechanism === 'LOGIN') {
    let reply = await say('AUTH LOGIN', 'AUTH LOGIN');
    if (reply.code !== 334) return reply;
    reply = await say(base64(creds.username));
    if (reply.code !== 334) return reply;
    return say(base64(creds.password));
  }
  const challenge = await say('AUTH CRAM-MD5', 'AUTH CRAM-MD5');
  if (challenge.code !== 334) return challenge;
  return say(cramMd5Answer(creds.username, creds.password, challenge.lines[0] ?? ''));
}
