import type { SMTPServerAuthentication, SMTPServerAuthenticationResponse } from 'smtp-server';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { OAuthProvider } from './provider.js';
import {
  BEARER_MECHANISMS,
  BEARER_REFUSED,
  type BearerMechanism,
  challengeOf,
  checkBearer,
  PASSWORD_REFUSED,
  parseBearer,
} from './sasl.js';

/** The auth object onAuth receives for a bearer mechanism: smtp-server's XOAUTH2 shape plus which mechanism it was. */
export type BearerAuthentication = SMTPServerAuthentication & { saslMechanism?: BearerMechanism };

export type SmtpOAuthVerdict =
  | { kind: 'pass'; user: string }
  | { kind: 'challenge'; error: Record<string, string>; reason: string }
  | { kind: 'refuse'; code: number; message: string };

/**
 * The OAuth side of an SMTP login: a bearer token checked against the provider, a password
 * refused for a login that must use a token; null when OAuth has no say (the user list decides).
 */
export function smtpOAuthVerdict(oauth: OAuthProvider, auth: BearerAuthentication): SmtpOAuthVerdict | null {
  const username = auth.username ?? '';
  if (auth.method === 'XOAUTH2') {
    // OAUTHBEARER may leave the user out (''): the token then names it.
    if (!oauth.enabled || (username !== '' && !oauth.requiresToken(username))) return null;
    const outcome = checkBearer(
      oauth,
      auth.saslMechanism ?? 'XOAUTH2',
      {
        user: username || null,
        token: auth.accessToken ?? '',
      },
      'smtp',
    );
    return outcome.ok
      ? { kind: 'pass', user: outcome.user }
      : { kind: 'challenge', error: outcome.error, reason: outcome.reason };
  }
  if (oauth.requiresToken(username)) return { kind: 'refuse', code: 534, message: PASSWORD_REFUSED.smtp };
  return null;
}

/** Control characters have no place in a user name (they would split a log line or a reply). */
const hasControl = (value: string) =>
  [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

const mechanismOf = (command: Buffer) => command.toString().trim().split(/\s+/)[1]?.toUpperCase() ?? '';

/** Whether an AUTH command names an offered bearer mechanism (which `bearerAuth` runs instead of smtp-server). */
export const isBearerAuth = (command: Buffer, offered: readonly string[] = BEARER_MECHANISMS) =>
  (BEARER_MECHANISMS as readonly string[]).includes(mechanismOf(command)) &&
  offered.includes(mechanismOf(command));

/**
 * AUTH XOAUTH2 / OAUTHBEARER on an smtp-server connection, answered as Gmail answers: `235
 * 2.7.0 Accepted`, or the JSON error as a `334` challenge and, after the client's reply
 * (an empty line, or `AQ==` for OAUTHBEARER), `535 5.7.8 Username and Password not accepted`.
 * The credentials go through the server's onAuth, so `auth` fault rules apply.
 */
export function bearerAuth(connection: SMTPConnection, command: Buffer, callback: () => void) {
  const args = command.toString().trim().split(/\s+/).slice(2);
  const mechanism = mechanismOf(command) as BearerMechanism;
  if (connection.session.user) {
    connection.send(503, 'Error: No identity changes permitted');
    return callback();
  }
  if (args.length > 1) {
    connection.send(501, `Error: syntax: AUTH ${mechanism} token`);
    return callback();
  }
  const respond = (raw: string, done: () => void) => {
    const response = raw.trim();
    if (response === '*') {
      connection.send(501, 'Authentication aborted');
      return done();
    }
    const credentials = /^[A-Za-z0-9+/]*={0,2}$/.test(response)
      ? parseBearer(mechanism, Buffer.from(response, 'base64').toString('utf8'))
      : null;
    if (!credentials || hasControl(credentials.user ?? '')) {
      connection.send(501, 'Error: invalid userdata');
      return done();
    }
    const auth: BearerAuthentication = {
      method: 'XOAUTH2',
      username: credentials.user ?? '',
      accessToken: credentials.token,
      saslMechanism: mechanism,
      validatePassword: () => false,
    };
    connection._server.onAuth(
      auth,
      connection.session,
      (error, result?: SMTPServerAuthenticationResponse) => {
        if (error) {
          connection.send((error as Error & { responseCode?: number }).responseCode ?? 535, error.message);
          return done();
        }
        if (result?.user) {
          connection.session.user = result.user;
          connection.session.transmissionType = connection._transmissionType();
          connection.send(235, '2.7.0 Accepted');
          return done();
        }
        connection._nextHandler = (_line, next) => {
          connection.send(535, BEARER_REFUSED.smtp);
          next();
        };
        // As smtp-server does for its own XOAUTH2: onAuth's `data` is the error, sent as base64 JSON.
        connection.send(334, challengeOf(result?.data ?? {}));
        done();
      },
    );
  };
  if (args.length === 1) return respond(args[0]!, callback);
  connection._nextHandler = (line, next) => respond(line.toString(), next);
  connection.send(334);
  callback();
}
