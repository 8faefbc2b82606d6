import { type ImapCommand, ok } from '../session.js';

/** ID (RFC 2971): the client's fields are not kept; the server names itself. */
export const id: ImapCommand = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  run(session) {
    session.send('* ID ("name" "mock-mailserver" "vendor" "Mailroom")');
    return ok('ID completed');
  },
};
