import { format } from 'node:util';
import nodemailer from 'nodemailer';
import type { Timeouts } from '../../context';
import { nodemailerDkim } from '../../dkim/settings';
import { sendWithNodemailer, toNodemailer } from '../../transport/compose';
import type { MailTransport, OutgoingMail, SendOutcome } from '../../transport/types';
import { bearerAuthOptions } from './bearerAuth';
import type { DeliveryThread } from './deliveryThread';
import type { OAuthTokenSource } from './oauthTokens';
import type { SmtpSettings } from './settings';

export type SmtpPoolOptions = {
  /** Simultaneous connections per account. */
  maxConnections?: number;
  /** Messages per connection before it is renewed. */
  maxMessages?: number;
  /**
   * Run the pools in the delivery thread (nodemailer's MIME and SMTP work on their own core) instead
   * of on the main thread. The server and `mailroom worker` turn it on; tests choose per case.
   */
  thread?: boolean;
};

/**
 * nodemailer options for an account's SMTP settings: TLS from `security`, bounded timeouts, auth. An
 * OAuth2 account's token comes from `tokens` (through the destination guard): nodemailer is given no
 * token URL, client secret or refresh token, so it has nothing to post anywhere on its own.
 */
export function smtpOptions(
  s: SmtpSettings,
  timeouts: Timeouts,
  pool: SmtpPoolOptions = {},
  address?: string,
  tokens?: OAuthTokenSource,
) {
  // OAuth2: XOAUTH2 or OAUTHBEARER by the account's setting, with tokens from `tokens` (bearerAuth.ts).
  const bearer =
    s.auth.method === 'oauth2' && tokens
      ? bearerAuthOptions(s.auth.username, s.auth.mechanism, { host: s.host, port: s.port }, tokens)
      : undefined;
  const auth =
    s.auth.method === 'password'
      ? { user: s.auth.username, pass: s.auth.password ?? '' }
      : s.auth.method === 'oauth2'
        ? (bearer?.auth ?? { type: 'OAuth2' as const, user: s.auth.username })
        : undefined;
  const dkim = nodemailerDkim(s);
  return {
    pool: true as const,
    // Connect to the address the guard checked; the name stays for SNI and the certificate.
    host: address ?? s.host,
    port: s.port ?? (s.security === 'tls' ? 465 : s.security === 'starttls' ? 587 : 25),
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    tls: { rejectUnauthorized: !s.allowInvalidCertificates, servername: s.host },
    ...(auth ? { auth } : {}),
    ...(bearer ? { customAuth: bearer.customAuth } : {}),
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.commandMs,
    maxConnections: pool.maxConnections ?? 5,
    maxMessages: pool.maxMessages ?? 500,
    // The account's own DKIM key signs every message (docs/DELIVERABILITY.md).
    ...(dkim ? { dkim } : {}),
  };
}

/** A pooled SMTP transport whose connections live in the delivery thread; `key` names its pool there. */
export function createThreadedSmtpTransport(
  thread: DeliveryThread,
  key: string,
  s: SmtpSettings,
  timeouts: Timeouts,
  pool?: SmtpPoolOptions,
  address?: string,
): MailTransport {
  const options = smtpOptions(s, timeouts, pool, address);
  return {
    kind: 'smtp',
    send: (mail) => sendWithNodemailer(() => thread.send(key, options, toNodemailer(mail)), mail),
    close: () => thread.close(key),
  };
}

/** A pooled SMTP transport for one account's settings. */
export function createSmtpTransport(
  s: SmtpSettings,
  timeouts: Timeouts,
  pool?: SmtpPoolOptions,
  address?: string,
  tokens?: OAuthTokenSource,
): MailTransport {
  const transporter = nodemailer.createTransport(smtpOptions(s, timeouts, pool, address, tokens));
  return {
    kind: 'smtp',
    send: (mail) =>
      withToken(tokens, mail, () => sendWithNodemailer(() => transporter.sendMail(toNodemailer(mail)), mail)),
    close: () => transporter.close(),
  };
}

/**
 * For accounts with `debug` on: one connection per message with nodemailer's protocol log captured,
 * so each attempt carries its own transcript (pooled connections would interleave them).
 */
export function createSmtpDebugTransport(
  s: SmtpSettings,
  timeouts: Timeouts,
  address?: string,
  tokens?: OAuthTokenSource,
): MailTransport {
  const options = { ...smtpOptions(s, timeouts, {}, address, tokens), pool: false as const };
  return {
    kind: 'smtp',
    send: (mail) => withToken(tokens, mail, () => debugSend(mail)),
    close() {},
  };
  async function debugSend(mail: OutgoingMail): Promise<SendOutcome> {
    const lines: string[] = [];
    const capture =
      (level: string) =>
      (...args: unknown[]) => {
        const rest = typeof args[0] === 'string' ? args : args.slice(1);
        lines.push(
          `${level === 'debug' ? '' : `[${level}] `}${format(...(rest as [unknown, ...unknown[]]))}`,
        );
      };
    const logger = {
      level: () => {},
      trace: () => {},
      debug: capture('debug'),
      info: capture('info'),
      warn: capture('warn'),
      error: capture('error'),
      fatal: capture('fatal'),
    };
    const transporter = nodemailer.createTransport({ ...options, logger, debug: true });
    try {
      const outcome = await sendWithNodemailer(() => transporter.sendMail(toNodemailer(mail)), mail);
      return { ...outcome, transcript: lines };
    } finally {
      transporter.close();
    }
  }
}

/**
 * An OAuth2 account's send starts by making sure a token can be had: a token endpoint that is refused
 * (blocked range), down or says no fails the attempt in its own class before any SMTP connection.
 */
async function withToken(
  tokens: OAuthTokenSource | undefined,
  mail: OutgoingMail,
  send: () => Promise<SendOutcome>,
): Promise<SendOutcome> {
  if (tokens) {
    const failed = await tokens.check();
    if (failed) {
      return {
        ok: false,
        error: failed,
        recipients: mail.envelopeTo.map((address) => ({ address, status: 'deferred', reply: null })),
      };
    }
  }
  let outcome = await send();
  // The server refused the token and the renewal found the grant gone: wait for a reconnect. No recipient
  // was tried (the sign-in failed), though the server's 535 ended the exchange: they all wait.
  if (!outcome.ok && tokens?.revoked) {
    outcome = {
      ...outcome,
      error: { ...outcome.error, awaitsReconnect: true },
      recipients: outcome.recipients.map((r) => (r.status === 'rejected' ? { ...r, status: 'deferred' } : r)),
    };
  }
  const used = tokens?.current();
  return used ? { ...outcome, learned: [used] } : outcome;
}
