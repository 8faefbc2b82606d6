import type { Actor, Ctx, CtxBase, User } from '@mailroom/core';

/** What the API needs from the process around it. */
export type AppDeps = {
  base: CtxBase;
  /** True when the database answers (readiness). */
  ping(): Promise<boolean>;
  /** Directory of the built web UI; served at / when present. */
  webDist?: string | undefined;
  cookieSecure?: boolean;
  /** Honour X-Forwarded-For for the client address (behind your own reverse proxy). */
  trustProxy?: boolean;
  /** How a slowed sign-in waits (tests pass one that records instead of waiting). */
  loginSleep?: (ms: number) => Promise<void>;
  /**
   * MAILROOM_PUBLIC_URL (the quick start: its own URL): the OAuth2 code flow's redirect URI is
   * `<publicUrl>/api/v1/oauth/callback`. Unset: the code flow answers a 400 naming the variable.
   */
  publicUrl?: string | undefined;
  /** Extra facts for /readyz and /metrics (worker state, mock server ports …). */
  status?: () => Record<string, unknown>;
};

declare module 'hono' {
  interface ContextVariableMap {
    deps: AppDeps;
    actor: Actor;
    user: User;
    ctx: Ctx;
    authVia: 'session' | 'token';
    csrfToken: string | undefined;
  }
}
