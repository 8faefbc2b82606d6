/**
 * Removes secrets from text bound for a log row, a transcript, a timeline event or an error.
 * Knows SMTP/IMAP/POP3 AUTH forms (PLAIN, LOGIN, XOAUTH2 and their base64), IMAP LOGIN, POP3 PASS,
 * and any literal secret the caller passes (plus its base64 forms).
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    for (const form of secretForms(s)) out = out.split(form).join('*****');
  }
  // Transcript lines carry a "C: " / "S: " direction prefix; the protocol forms are matched after it.
  return maskSaslContinuations(out)
    .replace(
      /^((?:[CS]:[ \t]*)?[ \t]*(?:[A-Za-z0-9.]+[ \t]+)?AUTH(?:ENTICATE)?[ \t]+(?:PLAIN|XOAUTH2|LOGIN|CRAM-MD5|OAUTHBEARER))[ \t]+\S+/gim,
      '$1 *****',
    )
    .replace(/^((?:C:[ \t]*)?[ \t]*[A-Za-z0-9.]+[ \t]+LOGIN[ \t]+("[^"]*"|\S+))[ \t]+.+$/gim, '$1 *****')
    .replace(/^((?:C:[ \t]*)?[ \t]*PASS)[ \t]+.+$/gim, '$1 *****')
    .replace(/^((?:C:[ \t]*)?[ \t]*APOP[ \t]+\S+)[ \t]+.+$/gim, '$1 *****');
}

/**
 * In a multi-line transcript, the client's answer to a SASL challenge (SMTP `334 …`, IMAP/POP3 `+ …`) is a
 * credential: AUTH LOGIN sends the username and the password that way, CRAM-MD5 its digest.
 */
function maskSaslContinuations(text: string): string {
  if (!text.includes('\n')) return text;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1] ?? '';
    const m = /^(C:\s*)?([A-Za-z0-9+/=]+)\r?$/.exec(lines[i] ?? '');
    if (m && /^(S:\s*)?(334[ -]|\+( |$))/.test(prev)) lines[i] = `${m[1] ?? ''}*****`;
  }
  return lines.join('\n');
}

function secretForms(s: string): string[] {
  const b = Buffer.from(s, 'utf8');
  return [s, b.toString('base64'), b.toString('base64url'), encodeURIComponent(s)];
}

const SECRET_KEY_RE = /pass(word)?|secret|token|api[-_]?key|authorization|refresh/i;

/** Deep-copies a value, masking the values of keys that look secret; used for log context and timeline data. */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] =
        SECRET_KEY_RE.test(k) && v !== null && v !== undefined && typeof v !== 'boolean'
          ? '*****'
          : maskSecrets(v);
    }
    return out as T;
  }
  return value;
}
