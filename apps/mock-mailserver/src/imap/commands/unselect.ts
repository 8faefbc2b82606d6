import { type ImapCommand, ok } from '../session.js';

/** UNSELECT (RFC 3691): deselects without expunging. */
export const unselect: ImapCommand = {
  states: ['selected'],
  run(session) {
    session.deselect();
    return ok('UNSELECT completed');
  },
};
