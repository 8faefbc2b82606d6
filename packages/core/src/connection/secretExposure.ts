import { getPath } from '../accounts/codec';
import type { IncomingStored, OutgoingStored } from '../schemas/account';
import { settingsOf } from '../transports/catalog';

type Part = OutgoingStored | IncomingStored;

// starttls and tls both encrypt before credentials are sent; only "none" is weaker.
const SECURITY_RANK: Record<string, number> = { none: 0, starttls: 1, tls: 1 };
/** Where an incoming part's secrets go: its server, and where an OAuth2 refresh token is sent. */
const INCOMING_SECRET_GOES_TO = ['host', 'port', 'auth.tokenUrl'];

const NAMES: Record<string, string> = { 'auth.tokenUrl': 'token URL' };

/**
 * Why a part's stored secrets may not go where the `after` settings would send them: the transport changed,
 * a field saying where the secret goes changed (host, port, Mailgun base URL, SES region or endpoint, OAuth2
 * token URL: each transport lists its own), encryption was turned off, or certificate checks were turned off.
 * `null` when the stored secrets may be used as they are. The one rule shared by PATCH (the secret must be
 * entered again to save) and the Test button (the secret must be typed again to test).
 */
export function secretExposure(before: Part, after: Part): string | null {
  let fields: readonly string[] = INCOMING_SECRET_GOES_TO;
  if ('transport' in before || 'transport' in after) {
    if (!('transport' in before && 'transport' in after) || before.transport !== after.transport) {
      return 'the transport changed';
    }
    fields = settingsOf(after.transport).secretGoesTo;
  }
  for (const f of fields) {
    // Either side: a field set where there was none (an SES endpoint) moves the secret too.
    if (getPath(before, f) !== getPath(after, f)) return `the ${NAMES[f] ?? f} changed`;
  }
  const security = (p: Part) => SECURITY_RANK[String(getPath(p, 'security'))] ?? 1;
  if (security(after) < security(before)) return 'encryption was turned off';
  if (
    getPath(after, 'allowInvalidCertificates') === true &&
    getPath(before, 'allowInvalidCertificates') !== true
  ) {
    return 'certificate checks were turned off';
  }
  return null;
}
