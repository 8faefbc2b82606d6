import type { MessageFilter, StoredMessage } from '../types.js';
import { type AddressParts, addressParts, recipientMatches } from './address.js';

/** What a filter needs from a stored entry; recipients are split once when the message is stored. */
export interface Filterable {
  message: StoredMessage;
  recipients: AddressParts[];
}

export type Predicate = (entry: Filterable) => boolean;

const contains = (value: string | null | undefined, needle: string) =>
  !!value && value.toLowerCase().includes(needle);

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
    const from = filter.from.toLowerCase();
    tests.push(
      (e) =>
        contains(e.message.envelope.mailFrom, from) ||
        contains(e.message.from?.address, from) ||
        contains(e.message.from?.name, from),
    );
  }
  if (filter.subject) {
    const subject = filter.subject.toLowerCase();
    tests.push((e) => contains(e.message.subject, subject));
  }
  if (filter.q) {
    const q = filter.q.toLowerCase();
    tests.push((e) => {
      const m = e.message;
      return (
        contains(m.subject, q) ||
        contains(m.envelope.mailFrom, q) ||
        m.envelope.rcptTo.some((r) => contains(r, q)) ||
        contains(m.from?.address, q) ||
        contains(m.from?.name, q) ||
        m.to.some((a) => contains(a.address, q) || contains(a.name, q)) ||
        contains(m.text, q)
      );
    });
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  return (e) => tests.every((test) => test(e));
}
