import { type ImapCommand, ok } from '../session.js';

/** NAMESPACE (RFC 2342): one personal namespace, no prefix, `/` between levels. */
export const namespace: ImapCommand = {
  states: ['authenticated', 'selected'],
  run(session) {
    session.send('* NAMESPACE (("" "/")) NIL NIL');
    return ok('NAMESPACE completed');
  },
};
