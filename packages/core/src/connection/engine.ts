import { completeIncoming, completeOutgoing } from '../accounts/codec';
import type { CoreConfig } from '../context';
import type {
  Direction,
  IncomingParsed,
  IncomingSettings,
  OutgoingParsed,
  OutgoingSettings,
  SettingsOf,
  TransportKind,
} from '../schemas/account';
import type { ConnectionTestResult } from '../schemas/connection';
import { addPartSecrets } from '../security/accountSecrets';
import { redactDeep, SecretSet } from '../security/redact';
import { transportOf } from '../transports/registry';
import { credentialsOf } from './credentials';
import type { TestEnv } from './env';
import { ConnectionFailure } from './failure';
import { testImap } from './imap';
import { testPop3 } from './pop3';
import { StepRecorder } from './runner';
import { type DeliverabilityStepOptions, deliverabilityStep } from './steps/deliverability';
import { Transcript } from './transcript';

export { credentialsOf } from './credentials';

export type EngineOptions = {
  config: Pick<CoreConfig, 'allowPrivateHosts' | 'timeouts'> & { sendmailPaths?: readonly string[] };
  /** Every plaintext secret involved, masked wherever it could appear (clear and base64). */
  secrets: string[];
  /** Extra trusted CAs (PEM); only tests set it. */
  ca?: string | string[];
  /** A saved account's OAuth2 access token source (see TestEnv.accessToken). */
  accessToken?: () => Promise<string>;
  /** Outgoing only: end with the deliverability check of the From domain (never fails the test). */
  deliverability?: DeliverabilityStepOptions | undefined;
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

/** A part with its defaults filled and its secrets decrypted: what the engine connects with. */
export type ResolvedPart = OutgoingSettings | IncomingSettings;

/**
 * Runs one connection test, step by step, and never throws for a server's failure: the result says which
 * step failed, in which class, with the server's reply and a hint. Nothing in it carries a secret.
 */
export async function runConnectionTest(
  direction: Direction,
  given: OutgoingParsed | IncomingParsed,
  opts: EngineOptions,
): Promise<EngineResult> {
  // Ports and other computed defaults filled, as a saved account has them (a parsed form may lack them).
  const part: ResolvedPart = 'transport' in given ? completeOutgoing(given) : completeIncoming(given);
  const started = performance.now();
  // One list for the transcript, the steps and the result, so a secret learned mid-test is masked everywhere.
  const secrets = new SecretSet(opts.secrets);
  // The forms the part's secrets travel in (PLAIN strings, Mailgun's `api:<key>` …), echoed by some servers.
  addPartSecrets(secrets, part);
  const transcript = new Transcript(secrets);
  const host = 'host' in part ? part.host : undefined;
  const port = 'port' in part ? part.port : undefined;
  const env: TestEnv = {
    config: opts.config,
    steps: new StepRecorder({ ...(host ? { host } : {}), ...(port ? { port } : {}) }, secrets),
    transcript,
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.accessToken ? { accessToken: opts.accessToken } : {}),
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
      ...(info.detail ? { detail: info.detail } : {}),
    };
  }
  // After the connection's own steps, whatever they found: DNS says how mail from the domain will fare.
  if ('transport' in part && opts.deliverability) {
    await deliverabilityStep(env.steps, part, opts.deliverability);
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

const testOf = <K extends TransportKind>(kind: K, env: TestEnv, settings: SettingsOf<K>) =>
  transportOf(kind).test(env, settings);

async function runFor(env: TestEnv, part: ResolvedPart): Promise<void> {
  // An outgoing part is tested by its transport (transports/<kind>/index.ts).
  if ('transport' in part) return testOf(part.transport, env, part);
  const credentials = await credentialsOf(env, part.auth);
  const endpoint = {
    host: part.host,
    port: part.port,
    security: part.security,
    allowInvalidCertificates: part.allowInvalidCertificates,
    credentials,
  };
  if (part.protocol === 'imap') return testImap(env, { ...endpoint, mailbox: part.mailbox });
  return testPop3(env, endpoint);
}
