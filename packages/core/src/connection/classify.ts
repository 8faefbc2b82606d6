import type { ErrorClass } from '../schemas/connection';
import { type ConnectionErrorInfo, ConnectionFailure } from './failure';
import { defaultHints, starttlsMissingHint } from './hints';

export type Where = { host?: string; port?: number; stage?: string };

const CERT_MESSAGES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'The server certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN:
    'The server certificate chain ends in a self-signed certificate that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'The server certificate is signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'The issuer of the server certificate is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'The issuer of the server certificate is unknown',
  CERT_HAS_EXPIRED: 'The server certificate has expired',
  CERT_NOT_YET_VALID: 'The server certificate is not valid yet',
  CERT_REVOKED: 'The server certificate was revoked',
  CERT_SIGNATURE_FAILURE: 'The server certificate signature is invalid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'The server certificate is issued for another host name',
  HOSTNAME_MISMATCH: 'The server certificate is issued for another host name',
};

const SYSCALL_CLASSES: Record<string, ErrorClass> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  ENODATA: 'dns',
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  EADDRNOTAVAIL: 'refused',
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  ECONNRESET: 'protocol',
  EPIPE: 'protocol',
  // nodemailer's own codes, so delivery errors land in the same classes as tests.
  EDNS: 'dns',
  ETLS: 'tls',
  EAUTH: 'auth',
  EENVELOPE: 'rejected',
  EMESSAGE: 'rejected',
  EPROTOCOL: 'protocol',
  ESOCKET: 'protocol',
  ECONNECTION: 'refused',
};

function where(w: Where): string {
  return w.host ? ` (${w.host}${w.port ? `:${w.port}` : ''})` : '';
}

/** Puts any thrown value (Node socket/DNS/TLS errors, nodemailer errors, our failures) into an error class. */
export function classifyError(err: unknown, w: Where = {}): ConnectionErrorInfo {
  if (err instanceof ConnectionFailure) return err.info;
  const e = (err ?? {}) as {
    code?: string;
    message?: string;
    responseCode?: number;
    response?: string;
    command?: string;
  };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const reply = typeof e.response === 'string' ? e.response : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const withReply = (info: ConnectionErrorInfo): ConnectionErrorInfo => ({
    ...info,
    ...(reply ? { reply } : {}),
    ...(responseCode ? { responseCode } : {}),
  });

  if (startTlsRefused(code, typeof e.command === 'string' ? e.command : '', message)) {
    return withReply({
      code: 'tls',
      message: `The server did not start TLS${where(w)}, which the security setting "starttls" requires`,
      hint: starttlsMissingHint,
    });
  }
  if (CERT_MESSAGES[code]) {
    return {
      code: 'certificate',
      message: `${CERT_MESSAGES[code]}${where(w)}`,
      hint: defaultHints.certificate,
    };
  }
  if (responseCode && (code === 'EENVELOPE' || code === 'EMESSAGE' || code === 'EAUTH' || code === '')) {
    const fromReply = classifyReply({
      protocol: 'smtp',
      stage: code === 'EAUTH' ? 'auth' : 'rcpt',
      code: responseCode,
      text: reply ?? message,
    });
    return fromReply;
  }
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || /\bSSL\b|TLS|handshake/i.test(message)) {
    return withReply({ code: 'tls', message: `TLS failed${where(w)}: ${message}`, hint: defaultHints.tls });
  }
  const cls = SYSCALL_CLASSES[code];
  if (cls === 'dns') {
    return {
      code: 'dns',
      message: `The host name ${w.host ?? ''} could not be resolved`.replace('  ', ' '),
      hint: defaultHints.dns,
    };
  }
  if (cls === 'refused') {
    return withReply({
      code: 'refused',
      message: `The connection was refused${where(w)}`,
      hint: defaultHints.refused,
    });
  }
  if (cls === 'timeout') {
    return withReply({
      code: 'timeout',
      message: `The server did not answer in time${where(w)}`,
      hint: defaultHints.timeout,
    });
  }
  if (cls) {
    const what =
      code === 'ECONNRESET' || code === 'EPIPE' ? 'The server closed the connection unexpectedly' : message;
    return withReply({ code: cls, message: `${what}${where(w)}`, hint: defaultHints[cls] });
  }
  return withReply({ code: 'protocol', message: `${message}${where(w)}`, hint: defaultHints.protocol });
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

export type ReplyInput = {
  protocol: 'smtp' | 'imap' | 'pop3';
  /** The step that got the reply: greeting, ehlo, starttls, auth, mail, rcpt, data, list, status, stat … */
  stage: string;
  /** SMTP reply code; absent for IMAP/POP3. */
  code?: number;
  /** The server's reply text as sent (several lines joined by newlines). */
  text: string;
};

/** Turns a negative server reply into an error class with the reply kept verbatim and a hint that fits it. */
export function classifyReply(r: ReplyInput): ConnectionErrorInfo {
  const reply = r.text.trim();
  const base = { reply, ...(r.code ? { responseCode: r.code } : {}) };
  const temporary = r.code !== undefined && r.code >= 400 && r.code < 500;
  const later = temporary ? ' This is a temporary refusal: trying again later may work.' : '';

  if (r.stage === 'auth') {
    if (/starttls|tls required|encryption required|must issue/i.test(reply)) {
      return {
        ...base,
        code: 'auth',
        message: 'The server requires TLS before signing in',
        hint: 'Set security to "starttls" (or "tls" on the implicit-TLS port).',
      };
    }
    if (/application-specific|app password|web login|oauth/i.test(reply)) {
      return {
        ...base,
        code: 'auth',
        message: 'The server refused the password for this sign-in method',
        hint: 'The provider requires an app password or OAuth2 for mail clients; create one in the account security settings.',
      };
    }
    return {
      ...base,
      code: 'auth',
      message: 'The server refused the username or password',
      hint: defaultHints.auth + later,
    };
  }
  if (r.stage === 'greeting') {
    if (r.code === 421 || r.code === 554 || /^-ERR|^\* BYE/.test(reply)) {
      return {
        ...base,
        code: 'rejected',
        message: 'The server refused the connection',
        hint:
          'The server does not accept connections from this address right now; read its reply, or ask the provider to allow it.' +
          later,
      };
    }
    return {
      ...base,
      code: 'greeting',
      message: 'The server did not greet like a mail server',
      hint: defaultHints.greeting,
    };
  }
  if (r.stage === 'starttls') {
    // SMTP's advice is the one sends give for the same refusal (its ports); IMAP and POP3 keep the general one.
    const hint = r.protocol === 'smtp' ? starttlsMissingHint : defaultHints.tls;
    return { ...base, code: 'tls', message: 'The server refused to start TLS', hint };
  }
  if (r.protocol === 'smtp' && (r.stage === 'mail' || r.stage === 'rcpt' || r.stage === 'data')) {
    let hint = defaultHints.rejected;
    if (/relay/i.test(reply))
      hint =
        'The server does not relay for this sender or recipient: sign in, or use an address the server accepts.';
    else if (r.stage === 'rcpt' && r.code && r.code >= 550 && r.code <= 553)
      hint =
        'The server refused the recipient address: check it exists, and that this account may send to it.';
    else if (r.stage === 'mail')
      hint = 'The server refused the sender address: check the From address is one this account may send as.';
    const what = r.stage === 'mail' ? 'sender' : r.stage === 'rcpt' ? 'recipient' : 'message';
    return {
      ...base,
      code: 'rejected',
      message: `The server refused the ${what}${r.code ? ` (${r.code})` : ''}`,
      hint: hint + later,
    };
  }
  if (r.protocol === 'imap' && /^\S+ BAD/.test(reply)) {
    return {
      ...base,
      code: 'protocol',
      message: `The server did not understand the ${r.stage} command`,
      hint: defaultHints.protocol,
    };
  }
  if (r.stage === 'ehlo' || r.stage === 'capability' || r.stage === 'capa') {
    return {
      ...base,
      code: 'protocol',
      message: `The server refused ${r.stage.toUpperCase()}`,
      hint: defaultHints.protocol,
    };
  }
  return {
    ...base,
    code: 'rejected',
    message: `The server refused ${r.stage}`,
    hint: defaultHints.rejected + later,
  };
}
