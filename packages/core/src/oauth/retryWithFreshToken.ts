import type { Ctx } from '../context';
import type { Direction } from '../schemas/account';
import { accountAccessToken } from './accessTokens';

/** Hands a session its access token, counting what it handed out. */
export type TokenSource = () => Promise<string>;

/**
 * Runs a saved OAuth2 account's session (a connection test, a fetch) with the account's access token and,
 * when the server refused it (`refused` says so of the outcome or the error), once more with a token
 * refreshed for the purpose: the cached one is dropped (the provider may have ended it before its
 * `expires_in`, or an admin pressed "expire tokens"), and the refresh is shared with anyone else who met
 * the same refusal. Once only: a second refusal is the answer. Nothing is retried when no token was
 * handed out (the refresh itself failed: that is its own answer, `auth_failed` on `invalid_grant`).
 */
export async function retryWithFreshToken<R>(
  ctx: Ctx,
  accountId: string,
  direction: Direction,
  run: (token: TokenSource) => Promise<R>,
  refused: (outcome: { result?: R; error?: unknown }) => boolean,
): Promise<R> {
  let handed: string | undefined;
  const source = (renew: boolean): TokenSource => {
    // The retry's first token is the renewed one; later asks in the same session take it from the cache.
    let pending = renew;
    return async () => {
      const opts = pending ? { renew: true, ...(handed ? { refused: handed } : {}) } : {};
      pending = false;
      const t = await accountAccessToken(ctx, accountId, direction, opts);
      handed = t.accessToken;
      return t.accessToken;
    };
  };
  let first: R;
  try {
    first = await run(source(false));
  } catch (error) {
    if (handed === undefined || !refused({ error })) throw error;
    return run(source(true));
  }
  if (handed === undefined || !refused({ result: first })) return first;
  return run(source(true));
}
