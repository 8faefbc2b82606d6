// The two SASL mechanisms that carry an OAuth2 access token, for SMTP, IMAP and POP3 alike: XOAUTH2
// (Google's, taken by Google, Microsoft, Yahoo, AOL …) and OAUTHBEARER (RFC 7628, the standard one).
import type { SaslMechanism } from '../../schemas/parts';
import { ConnectionFailure } from '../failure';

export type BearerMechanism = 'XOAUTH2' | 'OAUTHBEARER';

/**
 * Which mechanism to use, from the account's setting and what the server advertises (upper-case names).
 * `auto`: XOAUTH2, unless the server advertises OAUTHBEARER and not XOAUTH2. XOAUTH2 is what every big
 * provider documents (Microsoft takes nothing else); a server that advertises neither is tried with it.
 */
export function pickBearerMechanism(
  setting: SaslMechanism | undefined,
  offered: readonly string[],
): BearerMechanism {
  if (setting === 'xoauth2') return 'XOAUTH2';
  if (setting === 'oauthbearer') return 'OAUTHBEARER';
  return offered.includes('OAUTHBEARER') && !offered.includes('XOAUTH2') ? 'OAUTHBEARER' : 'XOAUTH2';
}

const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * `pickBearerMechanism` for a sign-in about to be sent; when the server lists its mechanisms (`offered`,
 * as `listed` names the list: "AUTHENTICATE", "SASL") and the pick is not among them, a failure in class
 * auth instead of a refusal from the server. An empty list (not advertised) is tried.
 */
export function offeredBearer(
  setting: SaslMechanism | undefined,
  offered: readonly string[],
  listed: string,
): BearerMechanism {
  const bearer = pickBearerMechanism(setting, offered);
  if (offered.length && !offered.includes(bearer)) {
    throw new ConnectionFailure({
      code: 'auth',
      message: `The server offers ${listed} ${offered.join(' ')}, not ${bearer}`,
      hint:
        setting && setting !== 'auto'
          ? 'Set the SASL mechanism to "auto", or to the one the server offers.'
          : 'The server takes no OAuth2 token here: sign in with a password (or an app password).',
    });
  }
  return bearer;
}

/** RFC 5801 saslname: `,` and `=` are written =2C and =3D (`=` first, so the escapes stay as they are). */
const saslName = (s: string) => s.replace(/=/g, '=3D').replace(/,/g, '=2C');

/** Where the client connects, as OAUTHBEARER names it (the host typed in, not the address it resolved to). */
export type BearerTarget = { host: string; port: number };

/**
 * The client's first message, before base64. XOAUTH2: `user=…^Aauth=Bearer …^A^A`. OAUTHBEARER (RFC 7628
 * 3.1): the GS2 header `n,a=<user>,` then `host=`, `port=` and `auth=Bearer …`, each ended by ^A, and ^A.
 */
export function bearerMessage(
  mechanism: BearerMechanism,
  username: string,
  accessToken: string,
  target: BearerTarget,
): string {
  if (hasControl(username) || hasControl(accessToken)) {
    // A control byte would end the field early: the rest would become fields of its own (auth= included).
    throw new Error('The username or access token contains a control character');
  }
  if (mechanism === 'XOAUTH2') return `user=${username}\x01auth=Bearer ${accessToken}\x01\x01`;
  return `n,a=${saslName(username)},\x01host=${target.host}\x01port=${target.port}\x01auth=Bearer ${accessToken}\x01\x01`;
}

/** `bearerMessage` in base64, as SMTP, IMAP and POP3 send it. */
export const bearerPayload = (
  mechanism: BearerMechanism,
  username: string,
  accessToken: string,
  target: BearerTarget,
) => Buffer.from(bearerMessage(mechanism, username, accessToken, target), 'utf8').toString('base64');

/**
 * The client's answer to the server's error challenge (a base64 JSON error): XOAUTH2 an empty line,
 * OAUTHBEARER a single ^A (RFC 7628 3.2.3), base64 `AQ==`. The server then fails the exchange.
 */
export const bearerErrorAnswer = (mechanism: BearerMechanism) => (mechanism === 'XOAUTH2' ? '' : 'AQ==');

/**
 * The fields of the server's error challenge worth showing (RFC 7628 3.2.2 `status`, `scope`, Google's
 * `schemes`); null when the challenge is not base64 JSON. Nothing of ours is in it.
 */
export function bearerChallengeError(challenge: string): Record<string, string> | null {
  try {
    const json = JSON.parse(Buffer.from(challenge.trim(), 'base64').toString('utf8')) as unknown;
    if (!json || typeof json !== 'object') return null;
    const out: Record<string, string> = {};
    for (const k of ['status', 'scope', 'schemes'] as const) {
      const v = (json as Record<string, unknown>)[k];
      if (typeof v === 'string' && v.length <= 200) out[k] = v;
    }
    return Object.keys(out).length ? out : null;
  } catch {
    return null;
  }
}
