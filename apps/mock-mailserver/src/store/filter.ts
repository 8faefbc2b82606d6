import type { MessageFilter, StoredMessage } from '../types.js';
import { type AddressParts, addressParts, recipientMatches } from './address.js';

/** What a filter needs from a stored entry; recipients are split once when the message is stored. */
export interface Filterable {
  message: StoredMessage;
  recipients: AddressParts[];
}

export type Predicate = (entry: Filterable) => boolean;

/** A case-insensitive substring test; a regex avoids lower-casing every (possibly large) text it scans. */
function substring(needle: string): (value: string | null | undefined) => boolean {
  const regex = new RegExp(needle.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'), 'i');
  return (value) => !!value && regex.test(value);
}

/** Whether the filter selects anything narrower than "all messages". */
export function isEmptyFilter(filter: MessageFilter): boolean {
  return !filter.to && !filter.tag && !filter.user && !filter.from && !filter.subject && !filter.q;
}

/** Compiles a filter into a predicate; every given field must match. */
export function compileFilter(filter: MessageFilter): Predicate {
  const tests: Predicate[] = [];
  if (filter.to) {
    const query = addressParts(filter.to);
    tests.push((e) => e.recipients.some((r) => recipientMatches(query, r)));
  }
  if (filter.tag) {
    const tag = filter.tag.toLowerCase();
    tests.push((e) => e.recipients.some((r) => r.tag === tag));
  }
  if (filter.user) {
    const user = filter.user.toLowerCase();
    tests.push((e) => e.message.authUser?.toLowerCase() === user);
  }
  if (filter.from) {
    const from = substring(filter.from);
    tests.push(
      (e) => from(e.message.envelope.mailFrom) || from(e.message.from?.address) || from(e.message.from?.name),
    );
  }
  if (filter.subject) {
    const subject = substring(filter.subject);
    tests.push((e) => subject(e.message.subject));
  }
  if (filter.q) {
    const q = substring(filter.q);
    tests.push((e) => {
      const m = e.message;
      return (
        q(m.subject) ||
        q(m.envelope.mailFrom) ||
        m.envelope.rcptTo.some(q) ||
        q(m.from?.address) ||
        q(m.from?.name) ||
        m.to.some((a) => q(a.address) || q(a.name)) ||
        q(m.text)
      );
    });
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  return (e) => tests.every((test) => test(e));
}
