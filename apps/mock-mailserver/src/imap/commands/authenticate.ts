import { passwordMatches } from '../../credentials.js';
import {
  BEARER_REFUSED,
  type BearerMechanism,
  challengeOf,
  checkBearer,
  PASSWORD_REFUSED,
  parseBearer,
} from '../../oauth/sasl.js';
import { atom } from '../parser.js';
import { bad, type ImapCommand, type ImapSession, no, type Reply } from '../session.js';

/** PLAIN (RFC 4616): `authzid NUL authcid NUL password`; the authcid logs in. */
async function plain(session: ImapSession, tag: string, response: string): Promise<Reply | undefined> {
  const parts = response.split('\0');
  if (parts.length !== 3 || !parts[1]) return bad('malformed PLAIN response');
  const user = parts[1];
  if (await session.fault('imap-login', user, tag)) return undefined;
  if (session.ctx.oauth.requiresToken(user)) return no(PASSWORD_REFUSED.imap);
  if (!passwordMatches(session.ctx.users, user, parts[2]!)) {
    session.ctx.log(`imap: AUTHENTICATE PLAIN failed for ${JSON.stringify(user)}`);
    return no('[AUTHENTICATIONFAILED] Invalid credentials');
  }
  return session.loggedIn(user);
}

/**
 * XOAUTH2 (Google) and OAUTHBEARER (RFC 7628). With OAuth on for the user, only a token the
 * mock issued for that identity passes; otherwise the token counts as the password. A refusal
 * is Gmail's: the JSON error as a `+` challenge, then, once the client answers, a tagged NO.
 */
async function bearer(
  session: ImapSession,
  tag: string,
  mechanism: BearerMechanism,
  response: string,
): Promise<Reply | undefined> {
  const credentials = parseBearer(mechanism, response);
  if (!credentials) return bad(`malformed ${mechanism} response`);
  if (await session.fault('imap-login', credentials.user ?? '', tag)) return undefined;
  const { oauth, users } = session.ctx;
  let challenge: string;
  if (oauth.enabled && (credentials.user === null || oauth.requiresToken(credentials.user))) {
    const outcome = checkBearer(oauth, mechanism, credentials, 'imap');
    if (outcome.ok) return session.loggedIn(outcome.user);
    session.ctx.log(`imap: AUTHENTICATE ${mechanism} token refused: ${outcome.reason}`);
    challenge = outcome.challenge;
  } else if (credentials.user !== null && passwordMatches(users, credentials.user, credentials.token)) {
    return session.loggedIn(credentials.user);
  } else {
    session.ctx.log(`imap: AUTHENTICATE ${mechanism} failed for ${JSON.stringify(credentials.user)}`);
    challenge = challengeOf({ status: '401', schemes: 'Bearer', scope: oauth.mailScope('imap') });
  }
  // The client answers the error challenge (an empty line, or ^A for OAUTHBEARER).
  session.send(`+ ${challenge}`);
  if ((await session.readLine()) === null) return undefined;
  return no(BEARER_REFUSED.imap);
}

const decode = (line: string) => (line === '=' ? '' : Buffer.from(line, 'base64').toString('utf8'));

/** AUTHENTICATE (RFC 3501 6.2.2) with PLAIN, XOAUTH2 or OAUTHBEARER, the initial response inline (SASL-IR) or after `+`. */
export const authenticate: ImapCommand = {
  states: ['not-authenticated'],
  async run(session, tag, args): Promise<Reply | undefined> {
    const mechanism = atom(args[0], 'a SASL mechanism');
    const offered = ['PLAIN', ...session.ctx.oauth.mechanisms];
    if (!offered.includes(mechanism)) {
      return no(`[CANNOT] unsupported mechanism ${mechanism}; use ${offered.join(', ')}`);
    }
    let response = args[1]?.type === 'atom' ? args[1].value : undefined;
    if (response === undefined) {
      session.send('+ ');
      const line = await session.readLine();
      if (line === null) return undefined;
      response = line.trim();
    }
    if (response === '*') return bad('AUTHENTICATE cancelled');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(response)) return bad('AUTHENTICATE response is not base64');
    const decoded = decode(response);
    return mechanism === 'PLAIN'
      ? plain(session, tag, decoded)
      : bearer(session, tag, mechanism as BearerMechanism, decoded);
  },
};
