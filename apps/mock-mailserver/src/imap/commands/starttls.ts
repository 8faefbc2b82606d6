import { bad, type ImapCommand, ok } from '../session.js';

/** STARTTLS (RFC 3501 6.2.1): the OK goes out in the clear, then the handshake. */
export const starttls: ImapCommand = {
  states: ['not-authenticated'],
  run(session, tag) {
    if (session.secure) return bad('already using TLS');
    session.tagged(tag, ok('Begin TLS negotiation now'));
    session.startTls();
    return undefined;
  },
};
