import { authRefusal, connectionRefusal, notAGreeting, plainRefusal, type Refusal } from './refusals';
import { type Failure, failure, failureTable, situationHints, temporaryNote } from './table';

/** An SMTP reply that refused something, at the step that sent the command. */
export type SmtpReply = {
  /** greeting, ehlo (helo, lhlo), starttls, auth, mail, rcpt, data, or another command's name. */
  stage: string;
  code?: number | undefined;
  /** The reply as sent, several lines joined by newlines. */
  text: string;
};

/** RFC 3463 enhanced status code (`550 5.1.1 …`): class, subject, detail. */
export type EnhancedStatus = { klass: number; subject: number; detail: number };

/** The enhanced status code of a reply's first line, when the server sent one. */
export function enhancedStatus(text: string): EnhancedStatus | undefined {
  const first = text.trimStart().split('\n', 1)[0] ?? '';
  const m = /^(?:\d{3}[ -])?([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/.exec(first);
  return m ? { klass: Number(m[1]), subject: Number(m[2]), detail: Number(m[3]) } : undefined;
}

/** RFC 5321: a 4xx reply may pass, a 5xx will not; other codes leave it to the class. */
export function smtpTemporary(code: number | undefined, fallback: boolean): boolean {
  if (code !== undefined && code >= 400 && code < 500) return true;
  if (code !== undefined && code >= 500 && code < 600) return false;
  return fallback;
}

/** The step of a nodemailer error, from its code and the `command` it was on. */
export function smtpStageOf(code: string, command: string): string {
  const c = command.toUpperCase();
  if (code === 'EAUTH' || c.startsWith('AUTH')) return 'auth';
  if (code === 'ETLS' || c === 'STARTTLS') return 'starttls';
  if (c === 'CONN' || c === 'GREETING') return 'greeting';
  if (c === 'EHLO' || c === 'HELO' || c === 'LHLO') return c.toLowerCase();
  if (c.startsWith('MAIL')) return 'mail';
  if (c.startsWith('RCPT')) return 'rcpt';
  if (c === 'RSET') return 'rset';
  // DATA, and whatever else nodemailer may name: the message's own trouble.
  return 'data';
}

/**
 * nodemailer's ways of saying a required STARTTLS did not happen: the server refused the command (not
 * offered, or 454), or EHLO failed so the HELO fallback could not do STARTTLS. Without this a refusal with a
 * 5xx reply would read as a permanently rejected message.
 */
export function startTlsRefused(code: string, command: string, message: string): boolean {
  if (code === 'ETLS' && command.toUpperCase() === 'STARTTLS' && /^Error upgrading connection/.test(message))
    return true;
  return code === 'ECONNECTION' && /required STARTTLS/i.test(message);
}

/** Advice for a refused MAIL, RCPT or DATA: the reply's words and enhanced code say more than the stage. */
function envelopeHint(stage: string, code: number | undefined, reply: string): string {
  const es = enhancedStatus(reply);
  if (/relay/i.test(reply)) return situationHints.relay;
  if (code === 530 || /authentication required|must issue a starttls|must authenticate/i.test(reply))
    return situationHints.signInFirst;
  if (es?.subject === 2 && es.detail === 2) return situationHints.mailboxFull;
  if ((es?.subject === 3 && es.detail === 4) || (es?.subject === 2 && es.detail === 3))
    return situationHints.tooBig;
  if (stage === 'mail') return situationHints.sender;
  if (es?.subject === 7) return situationHints.policy;
  if (stage === 'rcpt' && (es ? es.subject === 1 : code !== undefined && code >= 550 && code <= 553))
    return situationHints.recipient;
  return failureTable.rejected.hint;
}

/** Turns a refusing SMTP reply into its class; the reply code decides whether it may pass. */
export function smtpReplyFailure(r: SmtpReply): Failure {
  const reply = r.text.trim();
  const stage = r.stage.toLowerCase();
  const refusal = (fallback: boolean): Refusal => ({
    reply,
    responseCode: r.code,
    temporary: smtpTemporary(r.code, fallback),
  });
  const code = r.code;

  if (stage === 'auth') return authRefusal(refusal(true));
  if (stage === 'greeting') {
    return code !== undefined && code >= 400 ? connectionRefusal(refusal(true)) : notAGreeting(refusal(true));
  }
  if (stage === 'starttls') {
    // Whatever the code, an account that requires TLS waits for it: never the message's fault.
    return failure('tls', 'The server refused to start TLS', {
      reply,
      responseCode: code,
      hint: situationHints.starttlsMissing,
      temporary: true,
      accountLevel: true,
    });
  }
  if (stage === 'ehlo' || stage === 'helo' || stage === 'lhlo') {
    // Always `protocol` (the session cannot go on), but 421/554 or a policy code mean the server does not
    // want us, which the advice says.
    const unwanted = code === 421 || code === 554 || enhancedStatus(reply)?.subject === 7;
    const temporary = smtpTemporary(code, true);
    return failure('protocol', `The server refused ${stage.toUpperCase()}`, {
      reply,
      responseCode: code,
      hint: unwanted ? situationHints.greetingRefused + (temporary ? temporaryNote : '') : undefined,
      temporary,
      accountLevel: true,
    });
  }
  if (stage === 'mail' || stage === 'rcpt' || stage === 'data') {
    const what = stage === 'mail' ? 'sender' : stage === 'rcpt' ? 'recipient' : 'message';
    const temporary = smtpTemporary(code, false);
    return failure('rejected', `The server refused the ${what}${code ? ` (${code})` : ''}`, {
      reply,
      responseCode: code,
      hint: envelopeHint(stage, code, reply) + (temporary ? temporaryNote : ''),
      temporary,
      accountLevel: false,
    });
  }
  return plainRefusal(refusal(false), stage.toUpperCase(), false);
}
