import { startTlsRefused } from '../connection/classify';
import { starttlsMissingHint } from '../connection/hints';
import type { ErrorClass } from '../schemas/connection';
import type { DeliveryError } from './types';

// Kept small and in one place so it can switch to connection/classify.ts wholesale.
const HINTS: Record<ErrorClass, string> = {
  dns: 'Check the host name of the outgoing server.',
  refused: 'Check the host and port, and that the server is running and reachable from here.',
  timeout: 'The server did not answer in time; check the host, port and any firewall in between.',
  tls: 'Check the security setting matches the port (starttls on 587, tls on 465).',
  certificate:
    'The server certificate is not trusted; fix the certificate or allow invalid certificates for this account.',
  greeting: 'The server did not greet like an SMTP server; check the port.',
  auth: 'Check the username and password (or app password) of the account.',
  rejected: 'The server refused the message; read its reply.',
  protocol: 'The connection broke off or the server answered unexpectedly; it will be retried.',
  blocked: 'This destination is not allowed; ask an admin to allow private hosts if that is intended.',
};

const SYSCALL: Record<string, ErrorClass> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EDNS: 'dns',
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  ECONNECTION: 'refused',
  ETIMEDOUT: 'timeout',
  ETLS: 'tls',
  EAUTH: 'auth',
  ENOAUTH: 'auth',
  ECONNRESET: 'protocol',
  EPIPE: 'protocol',
  ESOCKET: 'protocol',
  EPROTOCOL: 'protocol',
  ESTREAMING: 'protocol',
  ESENDMAIL: 'protocol',
};

const CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

type ErrLike = {
  code?: unknown;
  originalCode?: unknown;
  message?: unknown;
  response?: unknown;
  responseCode?: unknown;
  command?: unknown;
};

/** Puts a thrown transport error into a stable class, keeping the server's reply verbatim. */
export function classifyDeliveryError(err: unknown): DeliveryError {
  const e = (err ?? {}) as ErrLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const original = typeof e.originalCode === 'string' ? e.originalCode : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const reply = typeof e.response === 'string' ? e.response : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command.toUpperCase() : '';
  const base = { ...(reply ? { reply } : {}), ...(responseCode ? { responseCode } : {}) };

  if (startTlsRefused(code, command, message)) {
    // The account requires STARTTLS and the server did not do it (not offered, refused, stripped on the
    // way): an account-level trouble that may pass, never a reason to send in clear, and not the message's
    // fault even with a 5xx reply. The message waits (deferred) and the account's breaker counts it.
    return {
      ...base,
      code: 'tls',
      message: 'The server did not start TLS, which the security setting "starttls" requires',
      hint: starttlsMissingHint,
      temporary: true,
      accountLevel: true,
    };
  }
  if (responseCode !== undefined && responseCode >= 400) {
    const temporary = responseCode < 500;
    if (code === 'EAUTH' || command.startsWith('AUTH')) {
      return {
        ...base,
        code: 'auth',
        message: 'The server refused the username or password',
        hint: HINTS.auth,
        temporary,
        accountLevel: true,
      };
    }
    if (command === 'CONN' || command === 'EHLO' || command === 'HELO' || command === 'GREETING') {
      return {
        ...base,
        code: 'rejected',
        message: 'The server refused the connection',
        hint: HINTS.rejected,
        temporary,
        accountLevel: true,
      };
    }
    const what = command.startsWith('MAIL') ? 'sender' : command.startsWith('RCPT') ? 'recipient' : 'message';
    const later = temporary ? ' This is a temporary refusal: it will be retried.' : '';
    return {
      ...base,
      code: 'rejected',
      message: `The server refused the ${what} (${responseCode})`,
      hint: HINTS.rejected + later,
      temporary,
      accountLevel: false,
    };
  }
  if (code === 'ETHREAD') {
    // Mailroom's delivery thread went away mid-send: retry later, and do not blame the account.
    return { ...base, code: 'protocol', message, hint: HINTS.protocol, temporary: true, accountLevel: false };
  }
  if (CERT.test(code) || CERT.test(original)) {
    return {
      ...base,
      code: 'certificate',
      message: `The server certificate was not accepted: ${message}`,
      hint: HINTS.certificate,
      temporary: true,
      accountLevel: true,
    };
  }
  const closed = /closed unexpectedly|connection closed|socket hang up/i.test(message);
  const cls = closed
    ? 'protocol'
    : (SYSCALL[original] ?? SYSCALL[code] ?? (/TLS|SSL/i.test(message) ? 'tls' : 'protocol'));
  const text =
    cls === 'protocol' && (original === 'ECONNRESET' || /closed|reset|unexpected/i.test(message))
      ? 'The server closed the connection unexpectedly'
      : message;
  return { ...base, code: cls, message: text, hint: HINTS[cls], temporary: true, accountLevel: true };
}

/** A classified error made by us, not by a server (blocked destination, HTTP API refusal …). */
export function deliveryError(
  code: ErrorClass,
  message: string,
  opts: { temporary: boolean; accountLevel: boolean; reply?: string; responseCode?: number; hint?: string },
): DeliveryError {
  return {
    code,
    message,
    hint: opts.hint ?? HINTS[code],
    temporary: opts.temporary,
    accountLevel: opts.accountLevel,
    ...(opts.reply ? { reply: opts.reply } : {}),
    ...(opts.responseCode ? { responseCode: opts.responseCode } : {}),
  };
}
