import type { AccountRow } from '../accounts/types';
import type { SendAs, SendAsSource } from '../schemas/defaults';
import type { FromNotAllowed } from '../schemas/parts';

/** An account that can send: its outgoing part is there. */
export type SendingAccount = AccountRow & { outgoing: NonNullable<AccountRow['outgoing']> };

/** The From a send asks for: an address and/or a name (a user's display name alone names the account's own address). */
export type RequestedFrom = { address?: string | undefined; name?: string | null | undefined };

/** What the account does with a From it may not send as; accounts stored before the setting refuse. */
export function fromNotAllowedOf(account: SendingAccount): FromNotAllowed {
  return account.outgoing.fromNotAllowed ?? 'refuse';
}

/**
 * Why the account may send as `address`, or null when it may not: its own address; any address when its
 * Send-as list (fromFilter) is empty; an address or domain (`example.com`, `@example.com`) on the list.
 */
export function maySendAs(account: SendingAccount, address: string): string | null {
  const a = address.trim().toLowerCase();
  const domain = a.split('@')[1] ?? '';
  if (a === account.outgoing.from.address.toLowerCase()) return "it is the account's own address";
  const list = account.outgoing.fromFilter.map((f) => f.toLowerCase());
  if (list.length === 0) return 'its Send-as list is empty, so it may send as any address';
  if (list.includes(a)) return `${a} is on its Send-as list`;
  if (list.includes(domain) || list.includes(`@${domain}`))
    return `its Send-as list covers the domain ${domain}`;
  return null;
}

const named = (address: string, name: string | null | undefined) => ({
  address,
  ...(name ? { name } : {}),
});

/**
 * The Send-as decision, the one function the routing explanation and the send both call: whether the
 * account may send as the From asked for (by the request, or by the sending user's profile), and if it
 * may not, whether the account refuses the send or rewrites the From to its own address with the asked
 * one as Reply-To. `replyTo` is the send's own Reply-To, which a rewrite keeps.
 */
export function decideSendAs(
  account: SendingAccount,
  ask: { from: RequestedFrom | null; source: SendAsSource; replyTo?: string | undefined },
): SendAs {
  const own = account.outgoing.from;
  const whose = ask.source === 'user' ? ' (the sending address of your profile)' : '';
  const address = ask.from?.address?.trim();
  if (!address) {
    // Nothing asked, or a display name alone: the account's own address.
    const name = ask.from?.name ?? own.name;
    return {
      outcome: 'allowed',
      source: ask.from?.name ? ask.source : 'account',
      requested: null,
      from: named(own.address, name),
      replyTo: null,
      detail: ask.from?.name
        ? `Sent from the account's own address ${own.address}, with your display name`
        : `Sent from the account's own address ${own.address}`,
    };
  }
  const requested = named(address, ask.from?.name);
  const why = maySendAs(account, address);
  if (why) {
    return {
      outcome: 'allowed',
      source: ask.source,
      requested,
      from: requested,
      replyTo: null,
      detail: `"${account.name}" may send as ${address}${whose}: ${why}`,
    };
  }
  const list = account.outgoing.fromFilter.join(', ');
  if (fromNotAllowedOf(account) === 'rewrite') {
    const replyTo = ask.replyTo ?? address;
    return {
      outcome: 'rewritten',
      source: ask.source,
      requested,
      // The requested name stays: readers see who wrote it, from an address the account may use.
      from: named(own.address, ask.from?.name ?? own.name),
      replyTo,
      detail:
        `"${account.name}" may not send as ${address}${whose} (its Send-as list: ${list}), so it rewrites ` +
        `the From: sent from ${own.address}` +
        (ask.replyTo
          ? ` with the Reply-To the send names (${ask.replyTo})`
          : `, with ${address} as Reply-To`),
    };
  }
  const domain = address.split('@')[1] ?? address;
  const fix =
    `add ${address} or ${domain} to the Send-as list of "${account.name}", name an account that may send ` +
    `as it, or set "${account.name}" to rewrite such a From (sent from ${own.address} with ${address} as Reply-To).`;
  return {
    outcome: 'refused',
    source: ask.source,
    requested,
    from: null,
    replyTo: null,
    detail: `"${account.name}" may not send as ${address}${whose}: it is not its own address (${own.address}) and not on its Send-as list (${list})`,
    hint:
      ask.source === 'user'
        ? `Change the sending address of your profile, give the send a From, or ${fix}`
        : `${fix.charAt(0).toUpperCase()}${fix.slice(1)}`,
  };
}
