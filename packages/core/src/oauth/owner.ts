import type { Actor } from '../context';

/**
 * Who a sign-in started without an account belongs to, as its `createdBy` keeps it: the actor's label (what
 * people read) and what makes it one actor, since labels repeat (two API tokens with the same name, a user
 * deleted and created again with the same email). Only this actor may read it or connect an account with it.
 */
export function authorizationOwner(actor: Actor): string {
  if (actor.via === 'token') return `${actor.label} (token ${actor.tokenId ?? '?'})`;
  return actor.userId ? `${actor.label} (user ${actor.userId})` : actor.label;
}

/** The label of `authorizationOwner`'s answer: who started the sign-in, as timelines and logs name them. */
export function ownerLabel(owner: string): string {
  return owner.replace(/ \((?:token|user) [^()]*\)$/, '');
}
