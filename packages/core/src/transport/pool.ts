import { resolvePart } from '../accounts/codec';
import type { AccountRow } from '../accounts/types';
import type { Ctx } from '../context';
import { sha256 } from '../security/hash';
import { createMailgunTransport } from './mailgun';
import { createSendmailTransport } from './sendmail';
import { createSmtpTransport, type SmtpPoolOptions } from './smtp';
import type { MailTransport } from './types';

type Entry = { key: string; transport: MailTransport };
const cache = new Map<string, Entry>();

let poolOptions: SmtpPoolOptions = {};

/** Sets the SMTP pool size used for transports created from now on (worker concurrency, benchmarks). */
export function configureSmtpPool(options: SmtpPoolOptions): void {
  poolOptions = options;
}

/**
 * The transport of an account, cached by account id and a hash of its settings (secrets included),
 * so connections are pooled across messages and a settings change closes the old pool.
 */
export function transportFor(ctx: Ctx, account: AccountRow): MailTransport {
  const settings = resolvePart(ctx.secrets, account, 'outgoing');
  if (!settings) throw new Error('The account has no outgoing settings');
  const key = sha256(JSON.stringify([settings, ctx.config.timeouts, poolOptions]));
  const hit = cache.get(account.id);
  if (hit && hit.key === key) return hit.transport;
  hit?.transport.close();
  const transport =
    settings.transport === 'smtp'
      ? createSmtpTransport(settings, ctx.config.timeouts, poolOptions)
      : settings.transport === 'sendmail'
        ? createSendmailTransport(settings)
        : createMailgunTransport(settings, ctx.config.timeouts);
  cache.set(account.id, { key, transport });
  return transport;
}

/** Closes every pooled connection (worker shutdown, tests). */
export function closeTransports(): void {
  for (const { transport } of cache.values()) transport.close();
  cache.clear();
}
