import type { ErrorClass } from '../schemas/connection';

/**
 * A failure put in its class: what a connection test shows as `error`, what a send stores as its attempt's
 * error, what a fetch logs. `temporary` and `accountLevel` matter to sends (retry, circuit breaker); tests
 * and fetches show the rest.
 */
export type Failure = {
  code: ErrorClass;
  message: string;
  hint: string;
  reply?: string | undefined;
  responseCode?: number | undefined;
  /** The library's own words behind the message, verbatim (an OpenSSL line): technical detail. */
  detail?: string | undefined;
  /** Trying again later may work (4xx replies, network trouble). */
  temporary: boolean;
  /** The account itself is in trouble (connection, TLS, sign-in), not one message: counts for the breaker. */
  accountLevel: boolean;
};

export type FailureClass = {
  /** Default when nothing more specific is known: a server's reply code (4xx/5xx) decides over it. */
  retryable: boolean;
  /** Default for the circuit breaker: a refused recipient is the message's trouble, a refused login the account's. */
  accountLevel: boolean;
  /** The plain-language advice shown when nothing more specific is known. */
  hint: string;
};

/** The one table of failure classes: tests, sends, fetches (and webhooks) all read their defaults here. */
export const failureTable: Record<ErrorClass, FailureClass> = {
  dns: {
    retryable: true,
    accountLevel: true,
    hint: 'The host name does not resolve. Check it for typos, or ask your provider for the right server name.',
  },
  refused: {
    retryable: true,
    accountLevel: true,
    hint: 'Nothing is listening on that port. Check the port number, that the service runs, and that no firewall blocks it.',
  },
  timeout: {
    retryable: true,
    accountLevel: true,
    hint: 'The server did not answer in time. Check the host and port, and that a firewall does not silently drop the connection.',
  },
  tls: {
    retryable: true,
    accountLevel: true,
    hint: 'The encrypted connection could not be set up. Check the security mode: port 465/993/995 use "tls", 587/143/110 use "starttls".',
  },
  certificate: {
    retryable: true,
    accountLevel: true,
    hint: 'The server certificate cannot be trusted. Ask the provider for a valid certificate, use the host name printed on the certificate, or allow invalid certificates if you trust this network.',
  },
  greeting: {
    retryable: true,
    accountLevel: true,
    hint: 'The server accepted the connection but did not greet like a mail server. Check the port and the security mode (a TLS port expects "tls").',
  },
  auth: {
    retryable: true,
    accountLevel: true,
    hint: 'The server refused the login. Check the username and password (or app password), and that the mailbox allows this sign-in method.',
  },
  rejected: {
    retryable: false,
    accountLevel: false,
    hint: 'The server refused the request. Read its reply: it usually says why (unknown address, relaying denied, policy).',
  },
  protocol: {
    retryable: true,
    accountLevel: true,
    hint: 'The connection broke off, or the server answered in a way Mailroom does not understand. If it keeps happening, check the port belongs to the expected protocol.',
  },
  blocked: {
    retryable: true,
    accountLevel: true,
    hint: 'This destination is a private, loopback, link-local or metadata address, which Mailroom refuses by default. An administrator can allow private hosts (MAILROOM_ALLOW_PRIVATE_HOSTS).',
  },
};

/** Advice for situations more specific than a class, shared by every protocol that meets them. */
export const situationHints = {
  /** The account requires STARTTLS and the server did not start it (not offered, refused, stripped). */
  starttlsMissing:
    'The server did not start TLS, which the security setting "starttls" requires, so nothing was sent in clear. Check the host and port (587 usually offers STARTTLS), or use security "tls" with port 465 if the server offers implicit TLS; "none" only on a network you trust, as the password and mail would travel unencrypted.',
  tlsBeforeAuth: 'Set security to "starttls" (or "tls" on the implicit-TLS port).',
  appPassword:
    'The provider requires an app password or OAuth2 for mail clients; create one in the account security settings.',
  greetingRefused:
    'The server does not accept connections from this address right now; read its reply, or ask the provider to allow it.',
  relay:
    'The server does not relay for this sender or recipient: sign in, or use an address the server accepts.',
  recipient:
    'The server refused the recipient address: check it exists, and that this account may send to it.',
  sender: 'The server refused the sender address: check the From address is one this account may send as.',
  signInFirst:
    'The server wants a sign-in (or TLS) before it takes mail: set the authentication and security of the account.',
  mailboxFull: 'The recipient’s mailbox is full; the recipient has to make room first.',
  tooBig: 'The message is larger than the server accepts: send smaller or fewer attachments.',
  policy:
    'The server’s policy refused it (spam filter, sender authentication such as SPF/DKIM/DMARC, a blocklist): read its reply.',
  apiRedirect:
    'Mailroom never follows redirects from an API: set the base URL to the final https:// address.',
  apiKey: 'Check the API key, and that it belongs to this account (and region).',
  apiUrl: 'Check the API base URL.',
  tokenRevoked: 'The refresh token may have expired or been revoked: connect the account again.',
  tokenClient: 'The token endpoint refused the client: check the client ID (and secret) of the OAuth2 app.',
  tokenEndpointDown:
    'The token endpoint failed to answer with a token; trying again later may work. If it persists, check the token URL.',
} as const;

/** Appended to a hint when the server said its refusal is temporary (SMTP 4xx, [UNAVAILABLE], [SYS/TEMP] …). */
export const temporaryNote =
  ' This is a temporary refusal: trying again later may work, and queued mail is retried by itself.';

export type FailureOptions = {
  temporary?: boolean | undefined;
  accountLevel?: boolean | undefined;
  hint?: string | undefined;
  reply?: string | undefined;
  responseCode?: number | undefined;
  detail?: string | undefined;
};

/** A failure of a class, with the table's defaults for whatever the caller does not know better. */
export function failure(code: ErrorClass, message: string, opts: FailureOptions = {}): Failure {
  const row = failureTable[code];
  return {
    code,
    message,
    hint: opts.hint ?? row.hint,
    temporary: opts.temporary ?? row.retryable,
    accountLevel: opts.accountLevel ?? row.accountLevel,
    ...(opts.reply ? { reply: opts.reply } : {}),
    ...(opts.responseCode ? { responseCode: opts.responseCode } : {}),
    ...(opts.detail ? { detail: opts.detail } : {}),
  };
}
