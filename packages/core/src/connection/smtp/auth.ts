import { classifyReply } from '../classify';
import { type Credentials, type TestEnv, transportSecurity } from '../env';
import { ConnectionFailure } from '../failure';
import type { LineSocket } from '../lineSocket';
import { base64, cramMd5Answer, plainPayload, xoauth2Payload } from '../sasl/payloads';
import { command, type SmtpReply } from './reply';

const PASSWORD_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const;

/** Picks the mechanism: XOAUTH2 for OAuth2 accounts, else PLAIN, LOGIN, CRAM-MD5 in that order of preference. */
export function pickMechanism(creds: Credentials, offered: string[]): string | null {
  if (creds.kind === 'oauth2') return offered.includes('XOAUTH2') ? 'XOAUTH2' : null;
  return PASSWORD_MECHANISMS.find((m) => offered.includes(m)) ?? null;
}

/** Step "authenticate": SMTP AUTH with the picked mechanism; every client line of the exchange is masked. */
export function smtpAuthStep(
  env: TestEnv,
  io: LineSocket,
  creds: Credentials,
  offered: string[],
): Promise<void> {
  const timeoutMs = env.config.timeouts.commandMs;
  return env.steps.run('authenticate', async () => {
    if (creds.kind === 'none')
      return { value: undefined, detail: { mechanism: 'none', note: 'no authentication configured' } };
    const mechanism = pickMechanism(creds, offered);
    if (!mechanism) {
      throw new ConnectionFailure({
        code: 'auth',
        message: offered.length
          ? `The server offers AUTH ${offered.join(' ')}, none of which Mailroom can use for this account`
          : 'The server offers no authentication on this connection',
        hint: offered.length
          ? 'Use a password account for PLAIN/LOGIN/CRAM-MD5 servers, OAuth2 for XOAUTH2 servers.'
          : 'Many servers offer AUTH only after STARTTLS: set security to "starttls" (or "tls" on port 465).',
      });
    }
    // Inside the SASL exchange the transcript masks every client line unless told what to show.
    const say = (line: string, shown = '*****') =>
      command(io, line, { what: `AUTH ${mechanism}`, timeoutMs, shown });
    let reply: SmtpReply;
    io.transcript.sasl(true);
    try {
      reply = await exchange(mechanism, creds, say);
    } finally {
      io.transcript.sasl(false);
    }
    if (reply.code !== 235) {
      throw new ConnectionFailure(
        classifyReply({ protocol: 'smtp', stage: 'auth', code: reply.code, text: reply.text }),
        {
          detail: { mechanism, username: creds.username },
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
  creds: Exclude<Credentials, { kind: 'none' }>,
  say: (line: string, shown?: string) => Promise<SmtpReply>,
): Promise<SmtpReply> {
  if (creds.kind === 'oauth2') {
    const reply = await say(
      `AUTH XOAUTH2 ${xoauth2Payload(creds.username, creds.accessToken)}`,
      'AUTH XOAUTH2 *****',
    );
    // On failure the server sends a 334 with a JSON error and waits for an empty line before its 535.
    return reply.code === 334 ? say('', '') : reply;
  }
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
