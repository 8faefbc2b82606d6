import { passwordMatches } from '../credentials.js';
import {
  BEARER_REFUSED,
  type BearerMechanism,
  checkBearer,
  PASSWORD_REFUSED,
  parseBearer,
} from '../oauth/sasl.js';
import type { Pop3Command } from './commands.js';
import { openMaildrop } from './maildrop.js';
import type { Pop3Session } from './session.js';

const MECHANISMS = ['PLAIN', 'XOAUTH2', 'OAUTHBEARER'] as const;
type Mechanism = (typeof MECHANISMS)[number];

/** PLAIN (RFC 4616): `authzid NUL authcid NUL password`; the authcid logs in. */
function plain(session: Pop3Session, response: string) {
  const parts = response.split('\0');
  if (parts.length !== 3 || !parts[1]) return session.write('-ERR malformed PLAIN response');
  const user = parts[1];
  if (session.ctx.oauth.requiresToken(user)) return session.write(PASSWORD_REFUSED.pop3);
  if (!passwordMatches(session.ctx.users, user, parts[2]!)) {
    session.ctx.log(`pop3: AUTH PLAIN failed for ${JSON.stringify(user)}`);
    return session.write('-ERR [AUTH] invalid username or password');
  }
  openMaildrop(session, user);
}

/**
 * XOAUTH2 and OAUTHBEARER: with OAuth on for the user, the token must be one the mock issued
 * for that identity; a refusal is Gmail's — the JSON error as a `+` challenge, then `-ERR [AUTH]`
 * once the client answers it. Without OAuth the token counts as the password, as in SMTP.
 */
function bearer(session: Pop3Session, mechanism: BearerMechanism, response: string) {
  const credentials = parseBearer(mechanism, response);
  if (!credentials) return session.write(`-ERR malformed ${mechanism} response`);
  const { oauth, users } = session.ctx;
  if (oauth.enabled && (credentials.user === null || oauth.requiresToken(credentials.user))) {
    const outcome = checkBearer(oauth, mechanism, credentials, 'pop3');
    if (outcome.ok) return openMaildrop(session, outcome.user);
    session.ctx.log(`pop3: AUTH ${mechanism} token refused: ${outcome.reason}`);
    session.write(`+ ${outcome.challenge}`);
    session.continuation = () => session.write(BEARER_REFUSED.pop3);
    return;
  }
  if (credentials.user === null || !passwordMatches(users, credentials.user, credentials.token)) {
    return session.write('-ERR [AUTH] invalid username or password');
  }
  openMaildrop(session, credentials.user);
}

function finish(session: Pop3Session, mechanism: Mechanism, line: string) {
  const response = line.trim();
  if (response === '*') return session.write('-ERR authentication cancelled');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(response)) return session.write('-ERR response is not base64');
  const decoded = response === '=' ? '' : Buffer.from(response, 'base64').toString('utf8');
  if (mechanism === 'PLAIN') plain(session, decoded);
  else bearer(session, mechanism, decoded);
}

/** AUTH (RFC 5034): PLAIN, XOAUTH2 and OAUTHBEARER, the initial response inline or after `+ `. */
export const auth: Pop3Command = {
  states: ['authorization'],
  run(session, [name, initial, ...rest]) {
    const offered: readonly string[] = ['PLAIN', ...session.ctx.oauth.mechanisms];
    if (!name) return session.writeMultiline('+OK', [...offered]);
    const mechanism = name.toUpperCase() as Mechanism;
    if (!offered.includes(mechanism)) return session.write(`-ERR unsupported mechanism ${name}`);
    if (rest.length) return session.write('-ERR AUTH takes a mechanism and an optional initial response');
    if (initial !== undefined) return finish(session, mechanism, initial);
    session.write('+ ');
    session.continuation = (line) => finish(session, mechanism, line);
  },
};
