import type { ErrorClass } from '../schemas/connection';

/** The plain-language advice shown with each error class when nothing more specific is known. */
export const defaultHints: Record<ErrorClass, string> = {
  dns: 'The host name does not resolve. Check it for typos, or ask your provider for the right server name.',
  refused:
    'Nothing is listening on that port. Check the port number, that the service runs, and that no firewall blocks it.',
  timeout:
    'The server did not answer in time. Check the host and port, and that a firewall does not silently drop the connection.',
  tls: 'The encrypted connection could not be set up. Check the security mode: port 465/993/995 use "tls", 587/143/110 use "starttls".',
  certificate:
    'The server certificate cannot be trusted. Ask the provider for a valid certificate, use the host name printed on the certificate, or allow invalid certificates if you trust this network.',
  greeting:
    'The server accepted the connection but did not greet like a mail server. Check the port and the security mode (a TLS port expects "tls").',
  auth: 'The server refused the login. Check the username and password (or app password), and that the mailbox allows this sign-in method.',
  rejected:
    'The server refused the request. Read its reply: it usually says why (unknown address, relaying denied, policy).',
  protocol:
    'The server answered in a way Mailroom does not understand. Check the port belongs to the expected protocol.',
  blocked:
    'This destination is a private, loopback, link-local or metadata address, which Mailroom refuses by default. An administrator can allow private hosts (MAILROOM_ALLOW_PRIVATE_HOSTS).',
};

/**
 * Advice when the server does not offer STARTTLS (or refuses it) while the account requires it: one text for
 * the connection test and for sends, so both say the same thing.
 */
export const starttlsMissingHint =
  'The server did not start TLS, which the security setting "starttls" requires, so nothing was sent in clear. Check the host and port (587 usually offers STARTTLS), or use security "tls" with port 465 if the server offers implicit TLS; "none" only on a network you trust, as the password and mail would travel unencrypted.';
