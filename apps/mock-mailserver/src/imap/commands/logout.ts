import { type ImapCommand, ok } from '../session.js';

/** LOGOUT (RFC 3501 6.1.3): BYE, the tagged OK, then the connection closes. */
export const logout: ImapCommand = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  run(session, tag) {
    session.send('* BYE mock-mailserver logging out');
    session.tagged(tag, ok('LOGOUT completed'));
    session.close();
    return undefined;
  },
};
