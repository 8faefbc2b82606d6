import { resolvePart } from '../accounts/codec';
import type { AccountRow } from '../accounts/types';
import { ConnectionFailure } from '../connection/failure';
import type { Ctx } from '../context';
import { resolveDestination } from '../door/destination';
import { httpUrlProblem } from '../door/httpUrl';
import { accountAccessToken } from '../oauth/accessTokens';
import type { OutgoingSettings, SettingsOf, TransportKind } from '../schemas/account';
import { sha256 } from '../security/hash';
import { transportOf } from '../transports/registry';
import type { BuildDeps } from '../transports/server';
import { DeliveryThread } from '../transports/smtp/deliveryThread';
import type { SmtpPoolOptions } from '../transports/smtp/transport';
import { deliveryError } from './classify';
import type { DeliveryError, MailTransport } from './types';

type Entry = { key: string; at: number; transport: MailTransport };
/** Re-resolve (and re-check) a destination this often, so DNS changes are picked up. */
const RESOLVE_TTL_MS = 10 * 60_000;

/** Raised when an account's destination may not be reached (private range without permission, metadata). */
export class BlockedDestination extends Error {
  constructor(readonly error: DeliveryError) {
    super(error.message);
  }
}

type Keyed = {
  key: string;
  settings: OutgoingSettings | null;
  config: Ctx['config'];
  pool: SmtpPoolOptions;
};

/**
 * The transports of one outbox (`ctx.outbox.transports`): pooled connections per account, the
 * delivery thread and the SMTP pool options every transport is built with. Closed with the outbox.
 */
export class TransportPool {
  readonly cache = new Map<string, Entry>();
  /** Settings and hash per account row object (see transportFor). */
  readonly keys = new WeakMap<AccountRow, Keyed>();
  private deliveryThread: DeliveryThread | null = null;

  /** `options`: the pools' size, and whether they run in the delivery thread (`mailroom start`, `worker`). */
  constructor(readonly options: SmtpPoolOptions = {}) {}

  /** The delivery thread, started on the first threaded send; see SmtpPoolOptions.thread. */
  thread(): DeliveryThread {
    this.deliveryThread ??= new DeliveryThread();
    return this.deliveryThread;
  }

  /** Closes every pooled connection and ends the delivery thread. */
  async close(): Promise<void> {
    for (const { transport } of this.cache.values()) transport.close();
    this.cache.clear();
    const thread = this.deliveryThread;
    this.deliveryThread = null;
    await thread?.stop();
  }
}

/** The account's outgoing settings with secrets, and a hash of everything a transport is built from. */
function settingsKey(ctx: Ctx, account: AccountRow, poolOptions: SmtpPoolOptions): Keyed {
  const settings = resolvePart(ctx.secrets, account, 'outgoing');
  const key = sha256(
    JSON.stringify([settings, account.debug, ctx.config.timeouts, ctx.config.allowPrivateHosts, poolOptions]),
  );
  return { key, settings, config: ctx.config, pool: poolOptions };
}

/**
 * The transport of an account from the outbox's pool, cached by account id and a hash of its settings
 * (secrets included), so connections are pooled across messages and a settings change closes the old
 * pool. Each transport builds its own (transports/<kind>/index.ts): hosts pass the destination guard
 * first, and the transport connects only to the checked addresses.
 */
export async function transportFor(ctx: Ctx, account: AccountRow): Promise<MailTransport> {
  const pool = ctx.outbox.transports;
  const { cache, keys, options: poolOptions } = pool;
  // The worker hands the same row object to every message of a batch: decrypt and hash once per row.
  const memo = keys.get(account);
  const hash =
    memo?.config === ctx.config && memo.pool === poolOptions ? memo : settingsKey(ctx, account, poolOptions);
  if (hash !== memo) keys.set(account, hash);
  const hit = cache.get(account.id);
  if (hit && hit.key === hash.key && Date.now() - hit.at < RESOLVE_TTL_MS) return hit.transport;
  const { key, settings } = hash;
  if (!settings) throw new Error('The account has no outgoing settings');
  hit?.transport.close();
  cache.delete(account.id);
  const transport = await build(settings.transport, settings, {
    account: { id: account.id, debug: account.debug },
    key,
    timeouts: ctx.config.timeouts,
    allowPrivateHosts: ctx.config.allowPrivateHosts,
    sendmailPaths: ctx.config.sendmailPaths,
    resolve: (host) => guard(ctx, host),
    async resolveUrl(url, what) {
      const problem = httpUrlProblem(url, ctx.config.allowPrivateHosts);
      if (problem) {
        throw new BlockedDestination(
          deliveryError('blocked', `${what} ${problem}`, { temporary: true, accountLevel: true }),
        );
      }
      return guard(ctx, new URL(url).hostname);
    },
    smtpPool: poolOptions,
    deliveryThread: () => pool.thread(),
    oauthToken: (renew, refused) =>
      accountAccessToken(ctx, account.id, 'outgoing', { renew, ...(refused ? { refused } : {}) }),
  });
  cache.set(account.id, { key, at: Date.now(), transport });
  return transport;
}

/** Each transport builds its own (transports/<kind>/index.ts); the pool only caches what they build. */
const build = <K extends TransportKind>(kind: K, settings: SettingsOf<K>, deps: BuildDeps) =>
  transportOf(kind).createTransport(settings, deps);

/** Resolves a host through the guard; a refused or unresolvable one fails the attempt as the account's trouble. */
async function guard(ctx: Ctx, host: string) {
  try {
    return await resolveDestination(host, {
      allowPrivateHosts: ctx.config.allowPrivateHosts,
      timeoutMs: ctx.config.timeouts.connectMs,
    });
  } catch (err) {
    if (!(err instanceof ConnectionFailure)) throw err;
    const { code, message, hint } = err.info;
    // DNS trouble may pass; a refused range will not until an admin changes something.
    throw new BlockedDestination(deliveryError(code, message, { temporary: true, accountLevel: true, hint }));
  }
}
