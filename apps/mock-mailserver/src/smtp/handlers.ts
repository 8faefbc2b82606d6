import { randomUUID } from 'node:crypto';
import type { SMTPServerAuthentication, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { FaultDecision, FaultEngine } from '../faults/engine.js';
import { deliveredTo, type ReportMailer, type ReportTarget } from '../faults/reports.js';
import type { OAuthProvider } from '../oauth/provider.js';
import { smtpOAuthVerdict } from '../oauth/smtp.js';
import type { MessageStore } from '../store/store.js';
import type { FaultStage, SmtpSessionFacts } from '../types.js';
import { checkCredentials } from './auth.js';
import type { MockSMTPConnection } from './connection.js';
import type { MockSMTPServer, MockSMTPServerOptions, SmtpError } from './server.js';

export interface SmtpContext {
  store: MessageStore;
  faults: FaultEngine;
  users: Record<string, string> | null;
  oauth: OAuthProvider;
  /** Where `bounce` and `complain` rules send their reports. */
  reports: ReportMailer;
  log: (line: string) => void;
}

function smtpError(code: number, message: string): SmtpError {
  const error: SmtpError = new Error(message);
  error.responseCode = code;
  return error;
}

const recipients = (session: SMTPServerSession) => session.envelope.rcptTo.map((r) => r.address);

/** The access token each session signed in with (OAuth only), to end the session when its grant is revoked. */
const sessionTokens = new WeakMap<SMTPServerSession, string>();

/** What the web page shows of the session: HELO name, TLS version and cipher, RFC 3848 type. */
function sessionFacts(session: SMTPServerSession): SmtpSessionFacts {
  const cipher = session.tlsOptions || null;
  return {
    helo: session.hostNameAppearsAs || null,
    tlsVersion: cipher?.version ?? null,
    tlsCipher: cipher?.standardName ?? cipher?.name ?? null,
    transmission: session.transmissionType,
  };
}

/**
 * The reports `bounce` and `complain` rules asked for in one transaction, by recipient. Keyed by
 * the envelope, which smtp-server makes anew for each transaction (MAIL FROM, RSET).
 */
const pendingReports = new WeakMap<SMTPServerSession['envelope'], Map<string, ReportTarget>>();

function noteReports(session: SMTPServerSession, decision: FaultDecision): void {
  const report = decision.report;
  if (!report) return;
  let byRcpt = pendingReports.get(session.envelope);
  if (!byRcpt) {
    byRcpt = new Map();
    pendingReports.set(session.envelope, byRcpt);
  }
  // The first rule that fired for a recipient decides its fate.
  for (const rcpt of decision.matched) if (!byRcpt.has(rcpt)) byRcpt.set(rcpt, { rcpt, report });
}

/** The reports of a finished transaction, each with the DSN ORCPT its recipient came with (RFC 3461). */
function takeReports(session: SMTPServerSession): ReportTarget[] {
  const byRcpt = pendingReports.get(session.envelope);
  pendingReports.delete(session.envelope);
  if (!byRcpt) return [];
  return [...byRcpt.values()].map((target) => {
    const entry = session.envelope.rcptTo.find((r) => r.address === target.rcpt) as
      | { dsn?: { orcpt?: string | null } }
      | undefined;
    return { ...target, orcpt: entry?.dsn?.orcpt ?? null };
  });
}

/**
 * The smtp-server callbacks shared by the plain and the implicit-TLS listener: fault rules at
 * every stage, credential checks, and storing each message once it is fully received.
 */
export function smtpHandlers(
  ctx: SmtpContext,
  server: () => MockSMTPServer,
): Pick<MockSMTPServerOptions, 'onConnect' | 'onAuth' | 'onMailFrom' | 'onRcptTo' | 'onData' | 'beforeData'> {
  /**
   * Applies the first rule that fires at this stage, or proceeds. `proceed` is called with an
   * error for a reply, after the delay for a delay, and never for a drop (which cuts the
   * connection, or calls `onDrop` when the stage drops in its own way).
   */
  function withFaults(
    stage: FaultStage,
    targets: string | string[] | null,
    session: SMTPServerSession,
    proceed: (error?: SmtpError) => void,
    onDrop?: () => void,
  ): void {
    const decision = ctx.faults.evaluate(stage, targets, session.id);
    if (!decision) {
      proceed();
      return;
    }
    const act = () => {
      if (decision.report) {
        // Accepted now (250); the report goes to the sender once the message is.
        noteReports(session, decision);
        proceed();
      } else if (decision.action === 'reply') proceed(smtpError(decision.code, decision.message));
      else if (decision.action === 'delay') proceed();
      else if (onDrop) onDrop();
      else server().connection(session.id)?.drop();
    };
    if (decision.delayMs > 0) server().later(session.id, decision.delayMs, act);
    else act();
  }

  return {
    onConnect(session, callback) {
      withFaults('connect', session.remoteAddress, session, callback);
    },

    onAuth(auth: SMTPServerAuthentication, session, callback) {
      const username = auth.username ?? '';
      withFaults('auth', username, session, (error) => {
        if (error) return callback(error);
        const oauth = smtpOAuthVerdict(ctx.oauth, auth);
        if (oauth?.kind === 'refuse') return callback(smtpError(oauth.code, oauth.message));
        if (oauth?.kind === 'challenge') {
          ctx.log(`smtp: ${auth.method} token refused for ${JSON.stringify(username)}: ${oauth.reason}`);
          return callback(null, { data: oauth.error });
        }
        if (oauth?.kind === 'pass') {
          if (auth.accessToken) sessionTokens.set(session, auth.accessToken);
          return callback(null, { user: oauth.user });
        }
        if (!checkCredentials(auth, ctx.users)) {
          ctx.log(`smtp: ${auth.method} authentication failed for ${JSON.stringify(username)}`);
          return callback(smtpError(535, 'Authentication credentials invalid'));
        }
        callback(null, { user: username });
      });
    },

    onMailFrom(address, session, callback) {
      // A revoked grant ends the sessions signed in with it (an expired token does not: sessions outlive
      // tokens): the next transaction gets a 421 and the connection closes; signing in again is refused.
      const token = sessionTokens.get(session);
      const check = token ? ctx.oauth.checkAccessToken(token) : null;
      if (check && !check.ok && check.reason === 'revoked') {
        ctx.log(`smtp: session of ${JSON.stringify(session.user)} ended: its OAuth2 grant was revoked`);
        return callback(smtpError(421, '4.7.0 The OAuth2 grant of this session was revoked: sign in again'));
      }
      withFaults('mail', address.address, session, callback);
    },

    onRcptTo(address, session, callback) {
      withFaults('rcpt', address.address, session, callback);
    },

    beforeData(connection: MockSMTPConnection, proceed) {
      const session = connection.session;
      // A drop at this stage lets DATA through and cuts the connection mid-message.
      withFaults('data', recipients(session), session, proceed, () => {
        connection.dropDuringData = true;
        proceed();
      });
    },

    onData(stream, session, callback) {
      const connection = server().connection(session.id);
      if (connection?.dropDuringData) {
        // Cut the connection as soon as content arrives; the message is never stored or answered.
        stream.once('data', () => connection.drop());
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(); // rejectOversized answers 552
        const raw = Buffer.concat(chunks);
        withFaults('end-of-data', recipients(session), session, (error) => {
          if (error) return callback(error);
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const reports = takeReports(session);
          const rcptTo = deliveredTo(recipients(session), reports);
          const stored = rcptTo.length
            ? ctx.store.ingest({
                raw,
                transport: 'smtp',
                envelope: { mailFrom, rcptTo },
                authUser: typeof session.user === 'string' ? session.user : null,
                secure: session.secure,
                remoteAddress: session.remoteAddress,
                smtp: sessionFacts(session),
              })
            : Promise.resolve(null);
          stored
            .then(async (message) => {
              await ctx.reports.send(
                {
                  raw,
                  mailFrom,
                  transport: 'smtp',
                  remoteAddress: session.remoteAddress,
                  arrival: new Date(),
                },
                reports,
              );
              callback(null, `OK: queued as ${message?.id ?? randomUUID().replace(/-/g, '').slice(0, 20)}`);
            })
            .catch((err: Error) => {
              ctx.log(`smtp: cannot store message: ${err.message}`);
              callback(smtpError(451, 'Local error in processing'));
            });
        });
      });
    },
  } satisfies Partial<SMTPServerOptions> & Pick<MockSMTPServerOptions, 'beforeData'>;
}
