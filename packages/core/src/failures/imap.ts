import { authRefusal, connectionRefusal, notAGreeting, plainRefusal, type Refusal } from './refusals';
import { type Failure, failure } from './table';

/** An IMAP response that refused something (`A1 NO …`, `A1 BAD …`, `* BYE …`), at the step that sent the command. */
export type ImapReply = {
  /** greeting, starttls, capability, auth, list, status, select, fetch … */
  stage: string;
  /** The tagged (or untagged BYE) response line as sent. */
  text: string;
};

/** RFC 5530 response codes that say the refusal may pass. */
const TEMPORARY = new Set(['UNAVAILABLE', 'INUSE', 'LIMIT', 'SERVERBUG']);

/** The status word (OK, NO, BAD, BYE, PREAUTH) of a response line, tagged or untagged or bare. */
export function imapStatus(text: string): string {
  const words = text
    .trim()
    .split(/\s+/, 2)
    .map((w) => w.toUpperCase());
  return /^(OK|NO|BAD|BYE|PREAUTH)$/.test(words[0] ?? '') ? words[0]! : (words[1] ?? '');
}

/** The response code in brackets (`[AUTHENTICATIONFAILED]`), if any. */
export function imapResponseCode(text: string): string | undefined {
  return /\[([A-Z][A-Z0-9/-]*)[^\]]*\]/i.exec(text)?.[1]?.toUpperCase();
}

/**
 * Turns a refusing IMAP response into its class. Every IMAP failure is the account's (there is no message
 * of ours to blame), so all count for its health.
 */
export function imapReplyFailure(r: ImapReply): Failure {
  const reply = r.text.trim();
  const stage = r.stage.toLowerCase();
  const status = imapStatus(reply);
  const refusal: Refusal = { reply, temporary: TEMPORARY.has(imapResponseCode(reply) ?? '') };

  if (stage === 'auth') return authRefusal(refusal);
  if (stage === 'greeting') return status === 'BYE' ? connectionRefusal(refusal) : notAGreeting(refusal);
  if (stage === 'starttls') {
    return failure('tls', 'The server refused to start TLS', { reply, temporary: true, accountLevel: true });
  }
  if (status === 'BAD') {
    return failure('protocol', `The server did not understand the ${r.stage} command`, {
      reply,
      accountLevel: true,
    });
  }
  if (stage === 'capability') {
    return failure('protocol', 'The server refused CAPABILITY', { reply, accountLevel: true });
  }
  return plainRefusal(refusal, stage.toUpperCase(), true);
}

type ImapflowError = {
  authenticationFailed?: unknown;
  responseStatus?: unknown;
  responseText?: unknown;
  serverResponseCode?: unknown;
  executedCommand?: unknown;
  response?: unknown;
  code?: unknown;
  message?: unknown;
};

/**
 * imapflow's refusals (a tagged NO/BAD, a refused login) as a response line this mapper reads, with the
 * stage from the command it ran; undefined for anything else (sockets, timeouts: the code table's).
 */
export function imapflowReply(err: unknown, fallbackStage: string): ImapReply | undefined {
  const e = (err ?? {}) as ImapflowError;
  const status = typeof e.responseStatus === 'string' ? e.responseStatus.toUpperCase() : '';
  const refused = status === 'NO' || status === 'BAD';
  // ETHROTTLE is a NO/BAD that imapflow already waited out: server load, not a refusal of ours.
  if (e.code === 'ETHROTTLE' || !(refused || e.authenticationFailed === true)) return undefined;
  const words =
    typeof e.responseText === 'string'
      ? e.responseText
      : typeof e.response === 'string'
        ? e.response
        : typeof e.message === 'string'
          ? e.message
          : '';
  const bracket = typeof e.serverResponseCode === 'string' ? `[${e.serverResponseCode}] ` : '';
  const text = `${status || 'NO'} ${bracket}${words}`.trim();
  if (e.authenticationFailed === true) return { stage: 'auth', text };
  // "A3 SELECT \"INBOX\"" → select
  const command =
    typeof e.executedCommand === 'string' ? e.executedCommand.trim().split(/\s+/)[1] : undefined;
  return { stage: command ? command.toLowerCase() : fallbackStage, text };
}
