import type { ErrorClass } from '../schemas/connection';
import type { TransportKind } from '../transports/catalog';

/** One message as a transport sends it: already routed, with the recipients of this attempt. */
export type OutgoingMail = {
  /** Our Message-ID header value, `<id@domain>`, fixed when the message is stored so retries keep it. */
  messageId: string;
  from: { address: string; name?: string | undefined };
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string | undefined;
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  headers: Record<string, string>;
  attachments: Array<{ filename: string; contentType: string; contentBase64: string }>;
  /** Envelope recipients for this attempt: recipients accepted by an earlier attempt are left out. */
  envelopeTo: string[];
  /** The envelope sender (MAIL FROM) when it is not the From address: a VERP return path (outbox/verp.ts). */
  envelopeFrom?: string | undefined;
};

export type RecipientOutcome = {
  address: string;
  status: 'accepted' | 'rejected' | 'deferred';
  reply: string | null;
};

/** A failed attempt, classified: what went wrong, the server's words, and what a person can do. */
export type DeliveryError = {
  code: ErrorClass;
  message: string;
  hint: string;
  reply?: string | undefined;
  responseCode?: number | undefined;
  /** The library's own words behind the message, verbatim (an OpenSSL line): technical detail. */
  detail?: string | undefined;
  /** 4xx replies and network trouble: trying again later may work. */
  temporary: boolean;
  /** The account itself is in trouble (connection, TLS, auth), not one message: counts for the circuit breaker. */
  accountLevel: boolean;
  /**
   * The provider refused the account's OAuth2 grant (revoked consent, invalid_grant): nothing works until an
   * admin reconnects. The message is deferred with a long backoff and not given up for its attempt count;
   * a reconnect makes it due at once (oauth/connectAccount.ts).
   */
  awaitsReconnect?: boolean;
};

export type SendOutcome = (
  | { ok: true; reply: string; responseCode?: number | undefined; recipients: RecipientOutcome[] }
  | { ok: false; error: DeliveryError; recipients: RecipientOutcome[] }
) & {
  /** The protocol conversation, for accounts with `debug` on (not yet redacted). */
  transcript?: string[];
  /** Secrets the transport obtained for this attempt (an OAuth2 access token), to mask in what is recorded. */
  learned?: string[];
};

/** A way out for one account's mail, built by its transport (transports/<kind>/index.ts). */
export interface MailTransport {
  readonly kind: TransportKind;
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): void;
}
