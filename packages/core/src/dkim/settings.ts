// An outgoing part's DKIM signing settings (`outgoing.dkim`), whatever its transport: the form they are
// stored in (the private key apart, encrypted, as `outgoing.dkim.privateKey`; the public record value in
// clear so the view can show the record without decrypting anything), the view, and the options
// nodemailer signs with. The account codec (accounts/codec.ts) calls these around each transport's own.
import { createPrivateKey } from 'node:crypto';
import { MailroomError } from '../errors';
import type { DkimParsed, DkimView, SecretUse, SecretValue } from '../schemas/parts';
import { dkimDnsRecord, generateDkimKey, generateDkimKeyAsync } from './keys';

/** The secret field of the DKIM key, relative to the outgoing part. */
export const DKIM_KEY_FIELD = 'dkim.privateKey';
/** The stored record value, relative to the outgoing part: derived from the key, never set by the admin. */
export const DKIM_RECORD_FIELD = 'dkim.recordValue';

/** Transports that send a message Mailroom builds, so Mailroom can sign it. Mailgun's API signs itself. */
const SIGNING_TRANSPORTS = new Set(['smtp', 'sendmail', 'ses']);

/** DKIM settings as stored: no key, the record value derived from it when there is one. */
export type DkimStored = {
  enabled: boolean;
  domain: string;
  selector: string;
  /** `v=DKIM1; k=rsa; p=…`: the public half, safe to show. */
  recordValue?: string;
};

/** DKIM settings as a transport signs with them: the key in clear. */
export type DkimSettings = Omit<DkimStored, 'recordValue'> & { privateKey?: SecretValue };

type WithDkim = { transport: string; from: { address: string }; dkim?: unknown };

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * The part with its DKIM domain filled (the From domain when left out). Refuses DKIM on a transport that
 * sends fields rather than a message (Mailgun signs with its own key for the sending domain).
 */
export function completeDkim<P extends WithDkim>(part: P): P {
  const dkim = part.dkim as DkimParsed | undefined;
  if (!dkim) return part;
  if (!SIGNING_TRANSPORTS.has(part.transport)) {
    throw new MailroomError('validation_failed', `outgoing.dkim is not used with ${part.transport}`, {
      errors: [
        {
          path: 'outgoing.dkim',
          message: `${part.transport} signs with its own DKIM key for your domain: turn DKIM on in its console, not here`,
        },
      ],
    });
  }
  return { ...part, dkim: { ...dkim, domain: dkim.domain ?? domainOf(part.from.address) } };
}

/**
 * A part whose `dkim.generateKey` is set, with a new key in its place (the account codec's split, when
 * the caller did not make the key ahead with `generateDkimKeyAhead`).
 */
export function withGeneratedDkimKey<P extends WithDkim>(part: P): P {
  const dkim = part.dkim as DkimParsed | undefined;
  if (!dkim?.generateKey) return part;
  const { generateKey: _generate, ...rest } = dkim;
  return { ...part, dkim: { ...rest, privateKey: generateDkimKey() } };
}

/** The same, the key made off the event loop: what create and update call before they split the part. */
export async function generateDkimKeyAhead<P extends WithDkim>(part: P): Promise<P> {
  const dkim = part.dkim as DkimParsed | undefined;
  if (!dkim?.generateKey) return part;
  const { generateKey: _generate, ...rest } = dkim;
  return { ...part, dkim: { ...rest, privateKey: await generateDkimKeyAsync() } };
}

/** Why a PEM cannot sign DKIM (nodemailer signs rsa-sha256), or null. Never repeats the key. */
function keyProblem(pem: string): string | null {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return 'must be an RSA private key (nodemailer signs rsa-sha256)';
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 1024)
      return `must have at least 1024 bits (this one has ${bits}); 2048 is what receivers expect`;
    return null;
  } catch {
    return 'is not a private key in PEM form (the text between the -----BEGIN and -----END lines, those included)';
  }
}

/**
 * A pasted PEM as Node reads it: trimmed, CRLF made LF, and a key whose line breaks were lost (pasted
 * into a one-line field, sent through JSON by hand) folded back into 64-character lines.
 */
export function normalizePem(pem: string): string {
  const text = pem.trim().replace(/\r\n?/g, '\n');
  // Each part matched on its own, every pattern unambiguous: no backtracking over a 10,000-character
  // paste (one pattern with optional whitespace around a lazy body took hours on a BEGIN line and spaces).
  const begin = /^-----BEGIN [A-Z ]+-----/.exec(text)?.[0];
  const end = /-----END [A-Z ]+-----$/.exec(text)?.[0];
  if (!begin || !end || begin.length + end.length > text.length) return text;
  const body = text.slice(begin.length, text.length - end.length).replace(/\s+/g, '');
  if (!body || !/^[A-Za-z0-9+/=]+$/.test(body)) return text;
  return `${begin}\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n${end}\n`;
}

/**
 * Takes the key out of a stored part's `dkim` (after the transport's own split), as a secret change,
 * and records the public half's record value when a key is given.
 */
export function splitDkim<S extends { dkim?: unknown }>(
  stored: S,
  secrets: Partial<Record<string, SecretValue>>,
): { stored: S; secrets: Partial<Record<string, SecretValue>> } {
  const dkim = stored.dkim as (DkimParsed & { domain: string }) | undefined;
  if (!dkim) return { stored, secrets };
  const { privateKey: given, generateKey: _generate, ...rest } = dkim;
  const privateKey = typeof given === 'string' ? normalizePem(given) : given;
  const out: DkimStored = { enabled: rest.enabled, domain: rest.domain, selector: rest.selector };
  if (typeof privateKey === 'string') {
    const problem = keyProblem(privateKey);
    if (problem) {
      throw new MailroomError('validation_failed', `outgoing.dkim.privateKey ${problem}`, {
        errors: [{ path: `outgoing.${DKIM_KEY_FIELD}`, message: problem }],
      });
    }
    out.recordValue = dkimDnsRecord({ domain: out.domain, selector: out.selector, privateKey }).value;
  }
  return { stored: { ...stored, dkim: out }, secrets: { ...secrets, [DKIM_KEY_FIELD]: privateKey } };
}

/** A stored part's DKIM settings with the key put back. */
export function attachDkim<S extends { dkim?: unknown }>(
  settings: S,
  secret: (field: string) => SecretValue,
): S {
  const dkim = settings.dkim as DkimStored | undefined;
  if (!dkim) return settings;
  const { recordValue: _value, ...rest } = dkim;
  return { ...settings, dkim: { ...rest, privateKey: secret(DKIM_KEY_FIELD) } };
}

/** The key is needed while signing is on; kept (not required) while it is off. */
export function dkimSecretsUsed(stored: { dkim?: unknown }): SecretUse[] {
  const dkim = stored.dkim as DkimStored | undefined;
  return dkim ? [{ field: DKIM_KEY_FIELD, required: dkim.enabled }] : [];
}

/**
 * On an update that keeps the stored key, the record value of the stored part goes on with it (the new
 * part was parsed from input, which never carries it).
 */
export function keepDkimRecord<S extends { dkim?: unknown }>(
  previous: { dkim?: unknown } | null,
  next: S,
  keyChanged: boolean,
): S {
  const before = previous?.dkim as DkimStored | undefined;
  const after = next.dkim as DkimStored | undefined;
  if (!after || keyChanged || !before?.recordValue || after.recordValue) return next;
  return { ...next, dkim: { ...after, recordValue: before.recordValue } };
}

/** The API's view: the key replaced by `privateKeySet`, the record to publish derived from its public half. */
export function dkimView(stored: { dkim?: unknown }, has: (field: string) => boolean): DkimView | undefined {
  const dkim = stored.dkim as DkimStored | undefined;
  if (!dkim) return undefined;
  const set = has(DKIM_KEY_FIELD);
  return {
    enabled: dkim.enabled,
    domain: dkim.domain,
    selector: dkim.selector,
    privateKeySet: set,
    record:
      set && dkim.recordValue
        ? { name: `${dkim.selector}._domainkey.${dkim.domain}`, type: 'TXT', value: dkim.recordValue }
        : null,
  };
}

/** nodemailer's `dkim` option for a part as it sends (key decrypted), when signing is on. */
export function nodemailerDkim(settings: {
  dkim?: unknown;
}): { domainName: string; keySelector: string; privateKey: string } | undefined {
  const dkim = settings.dkim as DkimSettings | undefined;
  if (!dkim?.enabled || typeof dkim.privateKey !== 'string') return undefined;
  return { domainName: dkim.domain, keySelector: dkim.selector, privateKey: dkim.privateKey };
}
