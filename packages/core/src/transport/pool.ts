import { resolvePart } from '../accounts/codec';
import type { AccountRow } from '../accounts/types';
import { ConnectionFailure } from '../connection/failure';
import type { Ctx } from '../context';
import { resolveDestination } from '../door/destination';
import { httpUrlProblem } from '../door/httpUrl';
import { sha256 } from '../security/hash';
import { deliveryError } from './classify';
import { DeliveryThread } from './deliveryThread';
import { createMailgunTransport } from './mailgun';
import { OAuthTokenSource } from './oauthTokens';
import { createSendmailTransport } from './sendmail';
import {
  createSmtpDebugTransport,
  createSmtpTransport,
  createThreadedSmtpTransport,
  type SmtpPoolOptions,
} from './smtp';
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
  settings: ReturnType<typeof resolvePart<'outgoing'>>;
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
 * so connections are pooled across messages and a settings change closes the old pool. SMTP and
 * Mailgun hosts pass the destination guard first; SMTP then connects to the checked address.
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
  const guard = async (host: string) => {
    try {
      return await resolveDestination(host, {
        allowPrivateHosts: ctx.config.allowPrivateHosts,
        timeoutMs: ctx.config.timeouts.connectMs,
      });
    } catch (err) {
      if (!(err instanceof ConnectionFailure)) throw err;
      const { code, message, hint } = err.info;
      // DNS trouble may pass; a refused range will not until an admin changes something.
      throw new BlockedDestination(
        deliveryError(code, message, { temporary: true, accountLevel: true, hint }),
      );
    }
  };
  let transport: MailTransport;
  if (settings.transport === 'smtp') {
    const dest = await guard(settings.host);
    const address = dest.addresses[0]?.address ?? settings.host;
    const { auth } = settings;
    // OAuth2 tokens come from our own guarded request, never from nodemailer's; its callback cannot
    // cross into the delivery thread, so these pools stay on this thread.
    const tokens =
      auth.method === 'oauth2'
        ? new OAuthTokenSource(auth, {
            timeoutMs: ctx.config.timeouts.commandMs,
            allowPrivateHosts: ctx.config.allowPrivateHosts,
          })
        : undefined;
    if (account.debug) transport = createSmtpDebugTransport(settings, ctx.config.timeouts, address, tokens);
    else if (poolOptions.thread && !tokens) {
      deliveryThread ??= new DeliveryThread();
      transport = createThreadedSmtpTransport(
        deliveryThread,
        `${account.id}:${key}`,
        settings,
        ctx.config.timeouts,
        poolOptions,
        address,
      );
    } else transport = createSmtpTransport(settings, ctx.config.timeouts, poolOptions, address, tokens);
  } else if (settings.transport === 'mailgun') {
    const problem = httpUrlProblem(settings.baseUrl, ctx.config.allowPrivateHosts);
    if (problem) {
      throw new BlockedDestination(
        deliveryError('blocked', `The Mailgun base URL ${problem}`, { temporary: true, accountLevel: true }),
      );
    }
    const destination = await guard(new URL(settings.baseUrl).hostname);
    transport = createMailgunTransport(settings, ctx.config.timeouts, {
      destination,
      allowPrivateHosts: ctx.config.allowPrivateHosts,
    });
  } else transport = createSendmailTransport(settings, ctx.config.sendmailPaths);
  cache.set(account.id, { key, at: Date.now(), transport });
  return transport;
}

/** Closes every pooled connection and ends the delivery thread (worker shutdown, tests). */
export function closeTransports(): void {
  for (const { transport } of cache.values()) transport.close();
  cache.clear();
  const thread = deliveryThread;
  deliveryThread = null;
  void thread?.stop();
}
