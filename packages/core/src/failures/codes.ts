import type { ErrorClass } from '../schemas/connection';

/**
 * Error codes of Node (syscalls, DNS, TLS) and of the mail libraries (nodemailer, imapflow), shared by all
 * protocols: whatever raised it, ECONNREFUSED is `refused`. nodemailer moves the system code to
 * `originalCode` and puts its own (ESOCKET, EDNS …) in `code`; both are looked up, the original first.
 */
export const codeClasses: Record<string, ErrorClass> = {
  // Node: DNS
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  ENODATA: 'dns',
  // Node: TCP
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  EADDRNOTAVAIL: 'refused',
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  ECONNRESET: 'protocol',
  EPIPE: 'protocol',
  // Node: TLS (certificate codes are matched by isCertificateCode)
  EPROTO: 'tls',
  // nodemailer (lib/errors.js)
  EDNS: 'dns',
  ECONNECTION: 'refused',
  ETLS: 'tls',
  EREQUIRETLS: 'tls',
  EAUTH: 'auth',
  ENOAUTH: 'auth',
  EOAUTH2: 'auth',
  EENVELOPE: 'rejected',
  EMESSAGE: 'rejected',
  EPROTOCOL: 'protocol',
  ESOCKET: 'protocol',
  ESTREAM: 'protocol',
  ESTREAMING: 'protocol',
  ESENDMAIL: 'protocol',
  // nodemailer's `timeoutType` and imapflow's codes for the phase that timed out: a server that accepts and
  // never greets is `greeting` (something listens there, not the mail server meant), a stuck handshake `tls`.
  CONNECT_TIMEOUT: 'timeout',
  GREETING_TIMEOUT: 'greeting',
  UPGRADE_TIMEOUT: 'tls',
  SOCKET_TIMEOUT: 'timeout',
  ETIMEOUT: 'timeout',
  // imapflow: the connection went away
  NoConnection: 'protocol',
  EConnectionClosed: 'protocol',
  ClosedAfterConnectText: 'protocol',
  ClosedAfterConnectTLS: 'protocol',
  STARTTLS_INJECTION: 'tls',
};

/** What a certificate code means, in words; codes not listed fall back to a general sentence. */
export const certificateMessages: Record<string, string> = {
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

const CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/** OpenSSL/Node codes that say the certificate was not accepted (as opposed to a failed handshake). */
export function isCertificateCode(code: string): boolean {
  return code !== '' && (code in certificateMessages || CERT.test(code));
}

/** Node's codes for a handshake that failed below the certificate (wrong version, no shared cipher …). */
export function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_SSL') || code === 'EPROTO';
}

/** The class of a code, or undefined when no table knows it. */
export function classOfCode(code: string): ErrorClass | undefined {
  return code && Object.hasOwn(codeClasses, code) ? codeClasses[code] : undefined;
}
