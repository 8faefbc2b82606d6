/** Address helpers: normalisation and plus-address tags. */

export interface AddressParts {
  /** The whole address, lower case. */
  address: string;
  /** The address without its plus tag, lower case. */
  base: string;
  /** The plus tag, lower case, or null. */
  tag: string | null;
}

/** Splits `Alice+Tag@Example.org` into its lower-cased whole, base (`alice@example.org`) and tag (`tag`). */
export function addressParts(raw: string): AddressParts {
  const address = raw.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = address.lastIndexOf('@');
  const local = at === -1 ? address : address.slice(0, at);
  const domain = at === -1 ? '' : address.slice(at);
  const plus = local.indexOf('+');
  if (plus === -1) return { address, base: address, tag: null };
  return { address, base: local.slice(0, plus) + domain, tag: local.slice(plus + 1) };
}

/**
 * Whether a recipient belongs to the mailbox a query names: a query without a tag covers the
 * address and all its tags, a query with a tag covers that tag only.
 */
export function recipientMatches(query: AddressParts, recipient: AddressParts): boolean {
  return query.tag === null ? recipient.base === query.base : recipient.address === query.address;
}
