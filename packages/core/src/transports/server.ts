// The shape of a transport's server half (`transports/<kind>/index.ts`): how it sends, how it is tested
// step by step, what it may point at, and the forms its secrets travel in. Listed in `registry.ts`.
import type { TestEnv } from '../connection/env';
import type { Ctx, Timeouts } from '../context';
import type { Destination } from '../door/destination';
import type { LogSource } from '../schemas/logs';
import type { SecretSet } from '../security/redact';
import type { MailTransport } from '../transport/types';
import type { SettingsModule, SettingsOf, StoredOf, TransportKind } from './catalog';
import type { DeliveryThread } from './smtp/deliveryThread';
import type { SmtpPoolOptions } from './smtp/transport';

/** What building an account's transport may use; the pool (transport/pool.ts) provides it. */
export type BuildDeps = {
  account: { id: string; debug: boolean };
  /** A hash of everything the transport is built from (settings with secrets, timeouts, pool options). */
  key: string;
  timeouts: Timeouts;
  allowPrivateHosts: boolean;
  /** The sendmail programs the operator allows. */
  sendmailPaths: readonly string[];
  /** Resolves a host through the guard and checks every address; a refused one throws `BlockedDestination`. */
  resolve(host: string): Promise<Destination>;
  /**
   * Checks an HTTP API's URL (https://, no credentials; `what` names it in the error), then resolves its
   * host as `resolve` does. The transport sends only to the returned addresses.
   */
  resolveUrl(url: string, what: string): Promise<Destination>;
  /** SMTP's pool size and whether pools run in the delivery thread. */
  smtpPool: SmtpPoolOptions;
  /** The delivery thread, started on first use. */
  deliveryThread(): DeliveryThread;
  /**
   * The account's OAuth2 access token (oauth/accessTokens.ts): cached, one refresh per account, rotated
   * refresh tokens saved; `renew` after the server refused `refused`.
   */
  oauthToken?: (renew: boolean, refused?: string) => Promise<{ accessToken: string; expiresAt: number }>;
};

/** The server half of a transport, paired with its settings module. */
export interface ServerTransport<K extends TransportKind> {
  settings: SettingsModule<K>;
  /** Builds the transport that sends one account's mail (pooled by the caller, rebuilt when settings change). */
  createTransport(settings: SettingsOf<K>, deps: BuildDeps): Promise<MailTransport>;
  /** The step-by-step connection test; a failing step throws a classified `ConnectionFailure`. */
  test(env: TestEnv, settings: SettingsOf<K>): Promise<void>;
  /**
   * What the settings may point at beyond their shape (throws a MailroomError naming the field).
   * `previous` is the stored part of the same kind on an update, null on a create or a change of transport.
   */
  assertAllowed?(ctx: Pick<Ctx, 'actor' | 'config'>, next: SettingsOf<K>, previous: StoredOf<K> | null): void;
  /** Adds the forms the secrets travel in (PLAIN strings, `api:<key>` …) beyond the plain values. */
  wireSecrets(set: SecretSet, settings: SettingsOf<K>): void;
  /** Where a test connects, for the Main Log ("smtp.example.com:587", a program's path, an API's URL). */
  target(settings: SettingsOf<K>): string | undefined;
  /** The Main Log source of the `authenticate` step (`smtp_auth`); the direction when none. */
  authLogSource?: LogSource;
}
