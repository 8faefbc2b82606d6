import { createHash, randomBytes } from 'node:crypto';

/** A PKCE verifier (RFC 7636: 43 characters of base64url, 256 bits) and its S256 challenge. */
export function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An unguessable `state` (256 bits); only its hash is stored. */
export const newState = (): string => randomBytes(32).toString('base64url');

export const hashState = (state: string): string => createHash('sha256').update(state).digest('hex');
