import { type Failure, failure, failureTable, situationHints, temporaryNote } from './table';

/** What a protocol mapper knows about a refusal: the reply verbatim, its code if any, and whether it may pass. */
export type Refusal = { reply: string; responseCode?: number | undefined; temporary: boolean };

const later = (r: Refusal) => (r.temporary ? temporaryNote : '');
const base = (r: Refusal) => ({ reply: r.reply, responseCode: r.responseCode, temporary: r.temporary });

/**
 * A refused sign-in, whatever the protocol: the reply often says why (TLS first, app passwords), and that
 * beats the general advice. Always the account's trouble.
 */
export function authRefusal(r: Refusal): Failure {
  if (/starttls|tls required|encryption required|must issue|PRIVACYREQUIRED/i.test(r.reply)) {
    return failure('auth', 'The server requires TLS before signing in', {
      ...base(r),
      hint: situationHints.tlsBeforeAuth,
      accountLevel: true,
    });
  }
  if (/application-specific|app password|web login|oauth/i.test(r.reply)) {
    return failure('auth', 'The server refused the password for this sign-in method', {
      ...base(r),
      hint: situationHints.appPassword,
      accountLevel: true,
    });
  }
  return failure('auth', 'The server refused the username or password', {
    ...base(r),
    hint: failureTable.auth.hint + later(r),
    accountLevel: true,
  });
}

/** The server refuses us at the door (SMTP 421/554 greeting, IMAP `* BYE`, POP3 `-ERR` greeting). */
export function connectionRefusal(r: Refusal): Failure {
  return failure('rejected', 'The server refused the connection', {
    ...base(r),
    hint: situationHints.greetingRefused + later(r),
    accountLevel: true,
  });
}

/** Something listens, but its greeting is not a mail server's. */
export function notAGreeting(r: Refusal): Failure {
  return failure('greeting', 'The server did not greet like a mail server', {
    ...base(r),
    accountLevel: true,
  });
}

/** A refusal no more specific rule knows: `rejected`, with the temporary note when it may pass. */
export function plainRefusal(r: Refusal, what: string, accountLevel: boolean): Failure {
  return failure('rejected', `The server refused ${what}`, {
    ...base(r),
    hint: failureTable.rejected.hint + later(r),
    accountLevel,
  });
}
