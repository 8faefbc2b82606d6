import type { ErrorClass } from '../schemas/connection';
import { certificateMessages, classOfCode, isCertificateCode, isTlsCode } from './codes';
import { type ConnectionErrorInfo, ConnectionFailure } from './error';
import { imapflowReply, imapReplyFailure } from './imap';
import { smtpReplyFailure, smtpStageOf, startTlsRefused } from './smtp';
import { type Failure, failure, situationHints } from './table';
import { tlsFailureText } from './tls';

/** Where the failure happened, as far as the caller knows: named in the message. */
export type Where = { host?: string; port?: number; stage?: string };

/** The fields Node, nodemailer and imapflow put on their errors, as far as classifying needs them. */
type Thrown = {
  code?: unknown;
  originalCode?: unknown;
  timeoutType?: unknown;
  message?: unknown;
  response?: unknown;
  responseCode?: unknown;
  command?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
};

const text = (x: unknown): string => (typeof x === 'string' ? x : '');

/** Connected, then the server hung up (nodemailer's ECONNECTION says so too, though its table says refused). */
const CLOSED = /closed unexpectedly|connection closed|socket hang up|unexpected close/i;
const TLS_WORDS = /\bSSL\b|TLS|handshake/i;

/**
 * The phase a timeout hit. nodemailer names it in `timeoutType`, which the delivery thread does not carry
 * across, so its message says it too.
 */
function timeoutPhase(e: Thrown, message: string): string {
  const named = text(e.timeoutType);
  if (named) return named;
  if (/Greeting never received/i.test(message)) return 'GREETING_TIMEOUT';
  if (/TLS handshake timed out/i.test(message)) return 'UPGRADE_TIMEOUT';
  return '';
}

function whereOf(w: Where, e: Thrown): string {
  const host = w.host ?? (text(e.address) || text(e.hostname) || undefined);
  const port = w.host ? w.port : typeof e.port === 'number' ? e.port : undefined;
  return host ? ` (${host}${port ? `:${port}` : ''})` : '';
}

/** A failure already classified (ConnectionFailure), with the table's defaults for retrying and the breaker. */
export function fromInfo(info: ConnectionErrorInfo): Failure {
  return failure(info.code, info.message, {
    hint: info.hint,
    reply: info.reply,
    responseCode: info.responseCode,
    detail: info.detail,
  });
}

/** The part of a failure a test result or a fetch shows (the API's `connectionErrorSchema`). */
export function toInfo(f: Failure): ConnectionErrorInfo {
  return {
    code: f.code,
    message: f.message,
    hint: f.hint,
    ...(f.reply ? { reply: f.reply } : {}),
    ...(f.responseCode ? { responseCode: f.responseCode } : {}),
    ...(f.detail ? { detail: f.detail } : {}),
  };
}

/**
 * Puts any thrown value (Node socket/DNS/TLS errors, nodemailer and imapflow errors, our own failures) into
 * its class, keeping the server's reply verbatim. The one classifier behind sends, tests and fetches.
 */
export function classifyFailure(err: unknown, w: Where = {}): Failure {
  if (err instanceof ConnectionFailure) return fromInfo(err.info);
  const e = (err ?? {}) as Thrown;
  const code = text(e.code);
  const original = text(e.originalCode);
  const message = typeof e.message === 'string' ? e.message : String(err);
  const reply = text(e.response) || undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = text(e.command);
  const at = whereOf(w, e);
  const keep = { reply, responseCode };

  if (code === 'ETHREAD') {
    // Mailroom's delivery thread went away mid-send: retry later, and do not blame the account.
    return failure('protocol', message, { ...keep, temporary: true, accountLevel: false });
  }
  if (startTlsRefused(code, command, message)) {
    // The account requires STARTTLS and the server did not do it (not offered, refused, stripped on the
    // way): an account-level trouble that may pass, never a reason to send in clear, and not the message's
    // fault even with a 5xx reply. The message waits (deferred) and the account's breaker counts it.
    return failure(
      'tls',
      `The server did not start TLS${at}, which the security setting "starttls" requires`,
      {
        ...keep,
        hint: situationHints.starttlsMissing,
        temporary: true,
        accountLevel: true,
      },
    );
  }
  const cert = [original, code].find(isCertificateCode);
  if (cert) {
    const said = certificateMessages[cert];
    return failure(
      'certificate',
      said ? `${said}${at}` : `The server certificate was not accepted${at}: ${message}`,
      keep,
    );
  }
  const imap = imapflowReply(err, w.stage ?? 'fetch');
  if (imap) return imapReplyFailure(imap);
  if (responseCode !== undefined && responseCode >= 400) {
    return smtpReplyFailure({
      stage: smtpStageOf(code, command),
      code: responseCode,
      text: reply ?? message,
    });
  }
  if (isTlsCode(code) || isTlsCode(original)) {
    const { message: said, detail } = tlsFailureText(message, at);
    return failure('tls', said, { ...keep, detail });
  }

  let cls: ErrorClass | undefined =
    classOfCode(timeoutPhase(e, message)) ?? classOfCode(original) ?? classOfCode(code);
  // A hang-up after connecting is not a refusal; during a TLS upgrade it is the upgrade that failed.
  if (CLOSED.test(message) && cls !== 'tls') cls = 'protocol';
  else if ((cls === undefined || cls === 'protocol') && TLS_WORDS.test(message)) cls = 'tls';
  cls ??= 'protocol';

  // Without a place the caller names or the error carries, Node's own words keep the address.
  const detail = at || (message && message !== code ? `: ${message}` : '');
  switch (cls) {
    case 'dns': {
      const host = w.host ?? (text(e.hostname) || undefined);
      return failure(
        'dns',
        host ? `The host name ${host} could not be resolved` : `The host name could not be resolved${detail}`,
        keep,
      );
    }
    case 'refused':
      return failure('refused', `The connection was refused${detail}`, keep);
    case 'timeout':
      return failure('timeout', `The server did not answer in time${detail}`, keep);
    case 'greeting':
      return failure('greeting', `The server accepted the connection but sent no greeting${detail}`, keep);
    case 'tls': {
      const { message: said, detail } = tlsFailureText(message, at);
      return failure('tls', said, { ...keep, detail });
    }
    case 'protocol': {
      const hungUp =
        ['ECONNRESET', 'EPIPE'].includes(original) ||
        ['ECONNRESET', 'EPIPE'].includes(code) ||
        CLOSED.test(message) ||
        /\breset\b/i.test(message);
      return failure(
        'protocol',
        hungUp ? `The server closed the connection unexpectedly${at}` : `${message}${at}`,
        keep,
      );
    }
    default:
      return failure(cls, `${message}${at}`, keep);
  }
}
