// Every transport's server half, by kind: the pool builds, the connection test runs, the rules check
// and redaction learns secrets through it. The compiler asks for a line here for every kind of the
// catalog (catalog.ts); registry.test.ts checks they agree.
import type { TransportKind } from './catalog';
import { mailgunTransport } from './mailgun';
import { sendmailTransport } from './sendmail';
import type { ServerTransport } from './server';
import { sesTransport } from './ses';
import { smtpTransport } from './smtp';

const registry: { [K in TransportKind]: ServerTransport<K> } = {
  smtp: smtpTransport,
  sendmail: sendmailTransport,
  mailgun: mailgunTransport,
  ses: sesTransport,
};

/** The server half of a transport. */
export function transportOf<K extends TransportKind>(kind: K): ServerTransport<K> {
  return registry[kind];
}

/** Every registered transport (tests, docs). */
export const registeredTransports: ReadonlyArray<ServerTransport<TransportKind>> = Object.values(registry);
