import { getPath } from '../accounts/codec';

type Part = Record<string, unknown>;

// starttls and tls both encrypt before credentials are sent; only "none" is weaker.
const SECURITY_RANK: Record<string, number> = { none: 0, starttls: 1, tls: 1 };

/**
 * Why a part's stored secrets may not go where the `after` settings would send them: the server moved
 * (host, port, Mailgun base URL, OAuth2 token URL), encryption was turned off, or certificate checks were
 * turned off. `null` when the stored secrets may be used as they are. The one rule shared by PATCH (the
 * secret must be entered again to save) and the Test button (the secret must be typed again to test).
 */
export function secretExposure(before: Part, after: Part): string | null {
  for (const f of ['host', 'port', 'baseUrl', 'auth.tokenUrl']) {
    const a = getPath(before, f);
    if (a !== undefined && a !== getPath(after, f))
      return `the ${f === 'auth.tokenUrl' ? 'token URL' : f} changed`;
  }
  if ((SECURITY_RANK[String(after.security)] ?? 1) < (SECURITY_RANK[String(before.security)] ?? 1)) {
    return 'encryption was turned off';
  }
  if (after.allowInvalidCertificates === true && before.allowInvalidCertificates !== true) {
    return 'certificate checks were turned off';
  }
  return null;
}
