import { type OAuth2Settings, requestAccessToken, type TokenRequestOptions } from '../../connection/oauth2';
import { OAuthRevoked } from '../../oauth/accessTokens';
import { unansweredAttemptError } from '../../transport/classify';
import type { DeliveryError } from '../../transport/types';

/** A token is renewed this long before the endpoint said it expires, so no send starts with a dying one. */
const EARLY_MS = 60_000;
/** When the endpoint gives no lifetime. */
const DEFAULT_LIFETIME_MS = 30 * 60_000;

type Held = { accessToken: string; expiresAt: number };

/**
 * The access tokens of one OAuth2 account's SMTP pool. Every request goes to the token endpoint through
 * the destination guard (`requestAccessToken`); one request at a time, the token reused until shortly
 * before it expires, and renewed when the server refused it (bearerAuth.ts asks again with `renew`).
 */
export class OAuthTokenSource {
  private held: Held | null = null;
  private inflight: Promise<Held> | null = null;
  /** The last renewal found the grant revoked (invalid_grant): the account needs a reconnect. */
  revoked = false;

  constructor(
    private readonly settings: OAuth2Settings,
    private readonly opts: TokenRequestOptions,
    private readonly now: () => number = Date.now,
    /** The account's shared token source (saved accounts): caching, one refresh, rotation saved. */
    private readonly shared?: (renew: boolean, refused?: string) => Promise<Held>,
  ) {}

  /** A valid token, fetched when none is held, it is about to expire, or `renew` says the server refused it. */
  get(renew = false): Promise<Held> {
    if (!renew && this.held && this.held.expiresAt - EARLY_MS > this.now()) return Promise.resolve(this.held);
    if (this.shared) {
      return this.shared(renew, this.held?.accessToken).then(
        (t) => {
          this.held = t;
          this.revoked = false;
          return t;
        },
        (err: unknown) => {
          if (err instanceof OAuthRevoked) this.revoked = true;
          throw err;
        },
      );
    }
    this.inflight ??= requestAccessToken(this.settings, this.opts)
      .then((t) => {
        this.held = {
          accessToken: t.accessToken,
          expiresAt: this.now() + (t.expiresIn ? t.expiresIn * 1000 : DEFAULT_LIFETIME_MS),
        };
        return this.held;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /** The token held now (after a send: the one it used, renewed or not), to mask in what is recorded. */
  current(): string | undefined {
    return this.held?.accessToken;
  }

  /** Makes sure a token can be had before a send; a failure comes back classified (blocked, auth, timeout …). */
  async check(): Promise<DeliveryError | null> {
    try {
      await this.get();
      return null;
    } catch (err) {
      // A refused endpoint is the account's trouble, and may pass (the admin fixes it, DNS comes back).
      const error = unansweredAttemptError(err);
      return err instanceof OAuthRevoked ? { ...error, awaitsReconnect: true } : error;
    }
  }
}
