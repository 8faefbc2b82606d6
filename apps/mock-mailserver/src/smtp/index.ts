import { listen } from '../listen.js';
import { authMethods } from './auth.js';
import { type SmtpContext, smtpHandlers } from './handlers.js';
import { MockSMTPServer } from './server.js';

export interface SmtpListenerOptions {
  host: string;
  port: number;
  /** Implicit TLS (SMTPS) instead of plain with STARTTLS. */
  secure: boolean;
  tls: { key: string | Buffer; cert: string | Buffer };
  hostname: string;
  maxMessageSize: number;
  greetingDelayMs: number;
  authRequired: boolean;
}

/** Starts one SMTP listener and resolves once it accepts connections. */
export async function startSmtp(
  ctx: SmtpContext,
  options: SmtpListenerOptions,
): Promise<{ server: MockSMTPServer; port: number }> {
  let server: MockSMTPServer | undefined;
  server = new MockSMTPServer({
    ...smtpHandlers(ctx, () => server!),
    secure: options.secure,
    key: options.tls.key,
    cert: options.tls.cert,
    name: options.hostname,
    banner: 'mock-mailserver',
    size: options.maxMessageSize,
    rejectOversized: true,
    // DSN (RFC 3461) is offered, so a bounce rule's report names the ORCPT a client gave.
    hideDSN: false,
    authMethods: authMethods(ctx.oauth.mechanisms),
    authOptional: !options.authRequired,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    // A test client may send many commands before it authenticates (or never does).
    maxAllowedUnauthenticatedCommands: false,
    greetingDelayMs: options.greetingDelayMs,
    onGreetingScheduled: ({ sessionId, remoteAddress, delayMs }) =>
      ctx.log(
        `${options.secure ? 'smtps' : 'smtp'}: connection ${sessionId} from ${remoteAddress}, greeting after ${delayMs} ms`,
      ),
    closeTimeout: 1000,
  });
  server.on('error', (error) => ctx.log(`smtp: ${error.message}`));
  return { server, port: await listen(server.server, options.port, options.host) };
}
