import type { CoreConfig } from '../context';
import type { SaslMechanism } from '../schemas/parts';
import type { StepRecorder } from './runner';
import type { Transcript } from './transcript';

/** What every protocol step of one test shares. */
export type TestEnv = {
  config: Pick<CoreConfig, 'allowPrivateHosts' | 'timeouts'> & { sendmailPaths?: readonly string[] };
  steps: StepRecorder;
  transcript: Transcript;
  /** Extra trusted CAs (PEM), only set by tests that need a certificate that validates. */
  ca?: string | string[];
  /**
   * A saved account's OAuth2 access token (oauth/accessTokens.ts: cached, one refresh per account, a rotated
   * refresh token saved). Absent for settings not saved yet: the typed-in refresh token is traded directly.
   */
  accessToken?: (() => Promise<string>) | undefined;
  /** Set once the session runs over TLS; authentication steps report whether credentials travelled encrypted. */
  encrypted?: boolean;
};

/** What an authentication step adds to its detail: whether the credentials were encrypted on the wire. */
export function transportSecurity(env: TestEnv): Record<string, unknown> {
  return env.encrypted
    ? { encrypted: true }
    : { encrypted: false, warning: 'The credentials crossed the network unencrypted (security "none").' };
}

/** How a test signs in, with secrets already decrypted (never logged: the transcript masks them). */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'password'; username: string; password: string }
  | {
      kind: 'oauth2';
      username: string;
      accessToken: string;
      /** The account's SASL mechanism setting (sasl/bearer.ts); left out: auto. */
      mechanism?: SaslMechanism | undefined;
    };

/** The connection settings common to SMTP, IMAP and POP3. */
export type Endpoint = {
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  allowInvalidCertificates: boolean;
};
