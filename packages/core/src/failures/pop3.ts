import { authRefusal, connectionRefusal, plainRefusal, type Refusal } from './refusals';
import { type Failure, failure } from './table';

/** A POP3 `-ERR` reply, at the step that sent the command. */
export type Pop3Reply = {
  /** greeting, starttls (STLS), capa, auth, STAT, UIDL, RETR … */
  stage: string;
  text: string;
};

/** RFC 2449/3206 response codes that say the refusal may pass (a lock held elsewhere, a system hiccup). */
const TEMPORARY = new Set(['SYS/TEMP', 'IN-USE', 'LOGIN-DELAY']);

/** The response code in brackets after `-ERR` (`[AUTH]`, `[SYS/TEMP]` …), if any. */
export function pop3ResponseCode(text: string): string | undefined {
  return /^-ERR \[([A-Z][A-Z0-9/-]*)\]/i.exec(text.trim())?.[1]?.toUpperCase();
}

/** Turns a POP3 `-ERR` into its class. Every POP3 failure is the account's: there is no message of ours to blame. */
export function pop3ReplyFailure(r: Pop3Reply): Failure {
  const reply = r.text.trim();
  const stage = r.stage.toLowerCase();
  const refusal: Refusal = { reply, temporary: TEMPORARY.has(pop3ResponseCode(reply) ?? '') };

  if (stage === 'auth') return authRefusal(refusal);
  if (stage === 'greeting') return connectionRefusal(refusal);
  if (stage === 'starttls' || stage === 'stls') {
    return failure('tls', 'The server refused to start TLS', { reply, temporary: true, accountLevel: true });
  }
  if (stage === 'capa') return failure('protocol', 'The server refused CAPA', { reply, accountLevel: true });
  return plainRefusal(refusal, r.stage.toUpperCase(), true);
}
