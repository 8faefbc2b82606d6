import { passwordMatches } from '../../credentials.js';
import { PASSWORD_REFUSED } from '../../oauth/sasl.js';
import { text } from '../parser.js';
import { type ImapCommand, no } from '../session.js';

/** LOGIN (RFC 3501 6.2.3): the name opens the same mail POP3 does; any password passes without a user list. */
export const login: ImapCommand = {
  states: ['not-authenticated'],
  async run(session, tag, args) {
    const user = text(args[0], 'user name');
    const password = text(args[1], 'password');
    if (await session.fault('imap-login', user, tag)) return undefined;
    if (session.ctx.oauth.requiresToken(user)) return no(PASSWORD_REFUSED.imap);
    if (!passwordMatches(session.ctx.users, user, password)) {
      session.ctx.log(`imap: LOGIN failed for ${JSON.stringify(user)}`);
      return no('[AUTHENTICATIONFAILED] Invalid credentials');
    }
    return session.loggedIn(user);
  },
};
