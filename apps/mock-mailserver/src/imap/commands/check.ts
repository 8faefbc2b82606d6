import { type ImapCommand, ok } from '../session.js';

/** CHECK (RFC 3501 6.4.1): nothing to checkpoint in memory; like NOOP. */
export const check: ImapCommand = {
  states: ['selected'],
  run() {
    return ok('CHECK completed');
  },
};
