import { addressParts } from './store/address.js';
import { compileFilter } from './store/filter.js';
import type { MessageFilter, StoredMessage } from './types.js';

/**
 * The mail a login opens, the same for POP3 and IMAP: a recipient address (a plus tag
 * narrows it to that tag), or else an SMTP username.
 */
export function maildropFilter(login: string): MessageFilter {
  return login.includes('@') ? { to: login } : { user: login };
}

/** The folder every delivery lands in, and the only one POP3 sees. */
export const INBOX = 'INBOX';

/** Whether one message belongs to a login's mail, tested without the store's precomputed recipients. */
export function loginMatcher(login: string): (message: StoredMessage) => boolean {
  const predicate = compileFilter(maildropFilter(login));
  return (message) => predicate({ message, recipients: message.envelope.rcptTo.map(addressParts) });
}
