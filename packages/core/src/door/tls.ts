import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { type PeerCertificate, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { classifyError } from '../connection/classify';
import { ConnectionFailure } from '../connection/failure';
import { defaultHints } from '../connection/hints';

export type TlsOptions = {
  hostname: string;
  allowInvalidCertificates: boolean;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM); tests use it to stand up a "valid" certificate. */
  ca?: string | string[];
};

function name(part: PeerCertificate['subject'] | undefined): string | undefined {
  if (!part) return undefined;
  const cn = part.CN as string | string[] | undefined;
  if (cn) return Array.isArray(cn) ? cn.join(', ') : cn;
  return Object.entries(part)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** What the TLS step shows: protocol, cipher, certificate subject/issuer/validity, and whether it validated. */
export function describeTls(socket: TLSSocket): Record<string, unknown> {
  const cert = socket.getPeerCertificate();
  const authErr = socket.authorizationError as unknown as string | Error | undefined;
  const reason = typeof authErr === 'string' ? authErr : authErr?.message;
  return {
    protocol: socket.getProtocol(),
    cipher: socket.getCipher()?.name,
    certificate:
      cert && Object.keys(cert).length
        ? {
            subject: name(cert.subject),
            issuer: name(cert.issuer),
            validFrom: cert.valid_from,
            validTo: cert.valid_to,
            altNames: cert.subjectaltname,
            fingerprint256: cert.fingerprint256,
          }
        : null,
    validated: socket.authorized,
    ...(reason ? { validationError: reason } : {}),
  };
}

/**
 * Runs the TLS handshake over a connected socket (implicit TLS, or after STARTTLS/STLS). The certificate
 * is always inspected so the step can show it; an invalid one fails as `certificate` unless allowed.
 */
export function startTls(
  socket: Socket,
  opts: TlsOptions,
): Promise<{ socket: TLSSocket; detail: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({
      socket,
      // SNI carries names only; for an IP literal the certificate is checked against the IP.
      ...(isIP(opts.hostname) ? {} : { servername: opts.hostname }),
      host: opts.hostname,
      rejectUnauthorized: false,
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(
        new ConnectionFailure({
          code: 'tls',
          message: `The TLS handshake did not finish within ${opts.timeoutMs} ms`,
          hint: 'The server did not answer the TLS handshake: check the security mode matches the port.',
        }),
      );
    }, opts.timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      const detail = describeTls(secure);
      if (!secure.authorized && !opts.allowInvalidCertificates) {
        secure.destroy();
        const code = String(detail.validationError ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
        const info = classifyError({ code, message: code }, { host: opts.hostname });
        reject(
          new ConnectionFailure(
            info.code === 'certificate'
              ? info
              : {
                  code: 'certificate',
                  message: `The server certificate is not valid: ${code}`,
                  hint: defaultHints.certificate,
                },
            { detail },
          ),
        );
        return;
      }
      resolve({ socket: secure, detail });
    });
    secure.once('error', (err) => {
      clearTimeout(timer);
      secure.destroy();
      const info = classifyError(err, { host: opts.hostname });
      reject(
        new ConnectionFailure(
          info.code === 'certificate' || info.code === 'tls'
            ? info
            : { code: 'tls', message: `The TLS handshake failed: ${info.message}`, hint: defaultHints.tls },
          { cause: err },
        ),
      );
    });
  });
}
