import { resolvePart } from '../accounts/codec';
import type { AccountRow } from '../accounts/types';
import { ConnectionFailure } from '../connection/failure';
import type { Ctx } from '../context';
import { resolveDestination } from '../door/destination';
import { httpUrlProblem } from '../door/httpUrl';
import type { OutgoingSettings, SettingsOf, TransportKind } from '../schemas/account';
import { sha256 } from '../security/hash';
import { transportOf } from '../transports/registry';
import type { BuildDeps } from '../transports/server';
import { DeliveryThread } from '../transports/smtp/deliveryThread';
import type { SmtpPoolOptions } from '../transports/smtp/transport';
import { deliveryError } from './classify';
import type { DeliveryError, MailTransport } from './types';

type Entry = { key: string; at: number; transport: MailTransport };
const cache = new Map<string, Entry>();
/** Re-resolve (and re-check) a destination this often, so DNS changes are picked up. */
const RESOLVE_TTL_MS = 10 * 60_000;

let poolOptions: SmtpPoolOptions = {};
/** Started on the first threaded send; see SmtpPoolOptions.thread. */
let deliveryThread: DeliveryThread | null = null;

/** Sets the SMTP pool size used for transports created from now on (worker concurrency, benchmarks). */
export function configureSmtpPool(options: SmtpPoolOptions): void {
  poolOptions = options;
}

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
const keys = new WeakMap<AccountRow, Keyed>();

/** The account's outgoing settings with secrets, and a hash of everything a transport is built from. */
function settingsKey(ctx: Ctx, account: AccountRow): Keyed {
  const settings = resolvePart(ctx.secrets, account, 'outgoing');
  const key = sha256(
    JSON.stringify([settings, account.debug, ctx.config.timeouts, ctx.config.allowPrivateHosts, poolOptions]),
  );
  return { key, settings, config: ctx.config, pool: poolOptions };
}

/**
 * The transport of an account, cached by account id and a hash of its settings (secrets included),
 * so connections are pooled across messages and a settings change closes the old pool. Each transport
 * builds its own (transports/<kind>/index.ts): hosts pass the destination guard first, and the transport
 * connects only to the checked addresses.
 */
export async function transportFor(ctx: Ctx, account: AccountRow): Promise<MailTransport> {
  // The worker hands the same row object to every message of a batch: decrypt and hash once per row.
  const memo = keys.get(account);
  const hash = memo?.config === ctx.config && memo.pool === poolOptions ? memo : settingsKey(ctx, account);
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
    deliveryThread: () => {
      deliveryThread ??= new DeliveryThread();
      return deliveryThread;
    },
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

/** Closes every pooled connection and ends the delivery thread (worker shutdown, tests). */
export function closeTransports(): void {
  for (const { transport } of cache.values()) transport.close();
  cache.clear();
  const thread = deliveryThread;
  deliveryThread = null;
  void thread?.stop();
}
