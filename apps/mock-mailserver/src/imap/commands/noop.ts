import { type ImapCommand, ok } from '../session.js';

/** NOOP (RFC 3501 6.1.2): nothing, but what changed in the mailbox is told as it ends (the session flushes). */
export const noop: ImapCommand = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  run() {
    return ok('NOOP completed');
  },
};
