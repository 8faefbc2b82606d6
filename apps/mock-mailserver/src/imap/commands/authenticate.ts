import { passwordMatches } from '../../credentials.js';
import { atom } from '../parser.js';
import { bad, type ImapCommand, no, type Reply } from '../session.js';

/** What a SASL response carries: the login name and the password (or XOAUTH2 access token). */
interface Credentials {
  user: string;
  secret: string;
}

/** PLAIN (RFC 4616): `authzid NUL authcid NUL password`; the authcid logs in. */
function plain(response: string): Credentials | null {
  const parts = response.split('\0');
  if (parts.length !== 3 || !parts[1]) return null;
  return { user: parts[1], secret: parts[2]! };
}

/** XOAUTH2 (Google's SASL mechanism): `user=… ^A auth=Bearer … ^A ^A`; the token counts as the password. */
function xoauth2(response: string): Credentials | null {
  const fields = new Map<string, string>();
  for (const part of response.split('\x01')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
  }
  const user = fields.get('user');
  const token = /^Bearer\s+(.+)$/i.exec(fields.get('auth') ?? '')?.[1];
  return user && token ? { user, secret: token } : null;
}

const MECHANISMS: Record<string, (response: string) => Credentials | null> = {
  PLAIN: plain,
  XOAUTH2: xoauth2,
};

const decode = (line: string) => (line === '=' ? '' : Buffer.from(line, 'base64').toString('utf8'));

/** AUTHENTICATE (RFC 3501 6.2.2) with PLAIN or XOAUTH2, the initial response inline (SASL-IR) or after `+`. */
export const authenticate: ImapCommand = {
  states: ['not-authenticated'],
  async run(session, tag, args): Promise<Reply | undefined> {
    const mechanism = atom(args[0], 'a SASL mechanism');
    const parse = MECHANISMS[mechanism];
    if (!parse) return no(`[CANNOT] unsupported mechanism ${mechanism}; use PLAIN or XOAUTH2`);
    let response = args[1]?.type === 'atom' ? args[1].value : undefined;
    if (response === undefined) {
      session.send('+ ');
      const line = await session.readLine();
      if (line === null) return undefined;
      response = line.trim();
    }
    if (response === '*') return bad('AUTHENTICATE cancelled');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(response)) return bad('AUTHENTICATE response is not base64');
    const credentials = parse(decode(response));
    if (!credentials) return bad(`malformed ${mechanism} response`);
    if (await session.fault('imap-login', credentials.user, tag)) return undefined;
    if (!passwordMatches(session.ctx.users, credentials.user, credentials.secret)) {
      session.ctx.log(`imap: AUTHENTICATE ${mechanism} failed for ${JSON.stringify(credentials.user)}`);
      if (mechanism === 'XOAUTH2') {
        // As Gmail does: the error as a JSON challenge, which the client answers with an empty line.
        const error = { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' };
        session.send(`+ ${Buffer.from(JSON.stringify(error)).toString('base64')}`);
        if ((await session.readLine()) === null) return undefined;
      }
      return no('[AUTHENTICATIONFAILED] Invalid credentials');
    }
    return session.loggedIn(credentials.user);
  },
};
