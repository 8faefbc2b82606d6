import { type ImapCommand, ok } from '../session.js';

/** CAPABILITY (RFC 3501 6.1.1): STARTTLS only while it can still be used. */
export const capability: ImapCommand = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  run(session) {
    session.send(`* CAPABILITY ${session.capabilities().join(' ')}`);
    return ok('CAPABILITY completed');
  },
};
