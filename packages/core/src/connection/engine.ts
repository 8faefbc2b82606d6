import type { CoreConfig } from '../context';
import type { AuthParsed, Direction, IncomingParsed, OutgoingParsed } from '../schemas/account';
import type { ConnectionTestResult } from '../schemas/connection';
import { addPartSecrets } from '../security/accountSecrets';
import { redactDeep, SecretSet } from '../security/redact';
import type { Credentials, TestEnv } from './env';
import { ConnectionFailure } from './failure';
import { testImap } from './imap';
import { testMailgun } from './mailgun';
import { fetchAccessToken } from './oauth2';
import { testPop3 } from './pop3';
import { StepRecorder } from './runner';
import { testSendmail } from './sendmail';
import { testSmtp } from './smtp';
import { Transcript } from './transcript';

export type EngineOptions = {
  config: Pick<CoreConfig, 'allowPrivateHosts' | 'timeouts'> & { sendmailPaths?: readonly string[] };
  /** Every plaintext secret involved, masked wherever it could appear (clear and base64). */
  secrets: string[];
  /** Extra trusted CAs (PEM); only tests set it. */
  ca?: string | string[];
};

export type EngineResult = {
  result: ConnectionTestResult;
  transcript: string[];
  /**
   * Every secret known by the end (given, learned, PLAIN strings): what the caller's log rows must mask.
   * A SecretSet, so serializing or printing the result never reveals them.
   */
  secrets: SecretSet;
};

/** A part with its port filled and its secrets decrypted: what the engine connects with. */
export type ResolvedPart = OutgoingParsed | IncomingParsed;

/** Turns stored auth settings into connection credentials (OAuth2: trades the refresh token for an access token). */
export async function credentialsOf(env: TestEnv, auth: AuthParsed | undefined): Promise<Credentials> {
  if (!auth || auth.method === 'none') return { kind: 'none' };
  if (auth.method === 'password') {
    const password = auth.password ?? '';
    // A server that echoes the PLAIN payload echoes it whole: mask that base64 too, not just the password.
    env.transcript.secrets.addLogin(auth.username, password);
    return { kind: 'password', username: auth.username, password };
  }
  const accessToken = await env.steps.run('token', async () => {
    const token = await fetchAccessToken(env, {
      tokenUrl: auth.tokenUrl,
      clientId: auth.clientId,
      clientSecret: auth.clientSecret ?? null,
      refreshToken: auth.refreshToken ?? null,
    });
    return { value: token, detail: { tokenUrl: new URL(auth.tokenUrl).origin, obtained: true } };
  });
  // The token and the XOAUTH2/OAUTHBEARER strings that carry it, masked whole in clear and base64.
  env.transcript.secrets.addBearer(auth.username, accessToken);
  return { kind: 'oauth2', username: auth.username, accessToken };
}

/**
 * Runs one connection test, step by step, and never throws for a server's failure: the result says which
 * step failed, in which class, with the server's reply and a hint. Nothing in it carries a secret.
 */
export async function runConnectionTest(
  direction: Direction,
  part: ResolvedPart,
  opts: EngineOptions,
): Promise<EngineResult> {
  const started = performance.now();
  // One list for the transcript, the steps and the result, so a secret learned mid-test is masked everywhere.
  const secrets = new SecretSet(opts.secrets);
  // The forms the part's secrets travel in (PLAIN strings, Mailgun's `api:<key>`), echoed by some servers.
  addPartSecrets(secrets, part);
  const transcript = new Transcript(secrets);
  const host = 'host' in part ? part.host : undefined;
  const port = 'port' in part ? part.port : undefined;
  const env: TestEnv = {
    config: opts.config,
    steps: new StepRecorder({ ...(host ? { host } : {}), ...(port ? { port } : {}) }, secrets),
    transcript,
    ...(opts.ca ? { ca: opts.ca } : {}),
  };
  let error: ConnectionTestResult['error'];
  try {
    await runFor(env, part);
  } catch (err) {
    const info =
      err instanceof ConnectionFailure
        ? err.info
        : {
            code: 'protocol' as const,
            message: (err as Error).message,
            hint: 'Unexpected error; see the log.',
          };
    error = {
      code: info.code,
      message: info.message,
      hint: info.hint,
      ...(info.reply ? { reply: info.reply } : {}),
      ...(info.responseCode ? { responseCode: info.responseCode } : {}),
    };
  }
  // Every string of the result, not just the error: step details carry server replies, which may echo a secret.
  const result: ConnectionTestResult = redactDeep(
    {
      ok: !error,
      direction,
      durationMs: Math.round(performance.now() - started),
      steps: env.steps.steps,
      ...(error ? { error } : {}),
    },
    secrets,
  );
  return { result, transcript: transcript.text(), secrets };
}

async function runFor(env: TestEnv, part: ResolvedPart): Promise<void> {
  if ('transport' in part) {
    if (part.transport === 'sendmail') return testSendmail(env, part.path);
    if (part.transport === 'mailgun')
      return testMailgun(env, { baseUrl: part.baseUrl, domain: part.domain, apiKey: part.apiKey ?? '' });
    const credentials = await credentialsOf(env, part.auth);
    return testSmtp(env, {
      host: part.host,
      port: part.port ?? 587,
      security: part.security,
      allowInvalidCertificates: part.allowInvalidCertificates,
      credentials,
      from: part.from.address,
    });
  }
  const credentials = await credentialsOf(env, part.auth);
  const endpoint = {
    host: part.host,
    port: part.port ?? (part.protocol === 'imap' ? 993 : 995),
    security: part.security,
    allowInvalidCertificates: part.allowInvalidCertificates,
    credentials,
  };
  if (part.protocol === 'imap') return testImap(env, { ...endpoint, mailbox: part.mailbox });
  return testPop3(env, endpoint);
}
