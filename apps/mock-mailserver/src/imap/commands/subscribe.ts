import { text } from '../parser.js';
import { type ImapCommand, ok } from '../session.js';

/** SUBSCRIBE (RFC 3501 6.3.6): every folder already counts as subscribed. */
export const subscribe: ImapCommand = {
  states: ['authenticated', 'selected'],
  run(_session, _tag, args) {
    text(args[0], 'mailbox name');
    return ok('SUBSCRIBE completed');
  },
};

/** UNSUBSCRIBE (RFC 3501 6.3.7): accepted; LSUB still lists every folder. */
export const unsubscribe: ImapCommand = {
  states: ['authenticated', 'selected'],
  run(_session, _tag, args) {
    text(args[0], 'mailbox name');
    return ok('UNSUBSCRIBE completed');
  },
};
