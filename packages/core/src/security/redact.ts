const MASK = '*****';
/** Shorter secrets are not masked: they would mask innocent text too. */
const MIN_SECRET = 3;
/** Base64 groups of a secret found inside a longer base64 text are masked only from this many characters. */
const MIN_CORE = 8;

/**
 * The secrets of one operation (a connection test, a fetch), shared by everything that writes text out of
 * it and growable while it runs: a token learned half-way is masked from then on, by every writer.
 */
export class SecretSet implements Iterable<string> {
  private readonly values = new Set<string>();
  private cached: string[] | null = null;

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Adds a secret (ignored when empty or too short to mask safely). */
  add(secret: string | null | undefined): void {
    if (!secret || secret.length < MIN_SECRET || this.values.has(secret)) return;
    this.values.add(secret);
    this.cached = null;
  }

  /** Adds a password and the SASL PLAIN strings built from it, so their base64 forms are masked whole. */
  addLogin(username: string, password: string): void {
    this.add(password);
    if (password) for (const s of plainForms(username, password)) this.add(s);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.values[Symbol.iterator]();
  }

  /** Serialized by accident (a result logged or returned whole), it says nothing about its contents. */
  toJSON(): string {
    return '[secrets]';
  }

  /** Node's inspect (console.log, test failure diffs) shows no value either. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretSet [secrets]';
  }

  /** Every form to mask, longest first, computed once per change of the set. */
  forms(): string[] {
    this.cached ??= formsOf(this.values);
    return this.cached;
  }
}

/** The strings SASL PLAIN encodes for a login: `\0user\0pass`, `user\0user\0pass` (authzid) and `user\0pass`. */
export function plainForms(username: string, password: string): string[] {
  return [`\0${username}\0${password}`, `${username}\0${username}\0${password}`, `${username}\0${password}`];
}

/**
 * Removes secrets from text bound for a log row, a transcript, a timeline event or an error.
 * Knows SMTP/IMAP/POP3 AUTH forms (PLAIN, LOGIN, XOAUTH2 and their base64), IMAP LOGIN, POP3 PASS,
 * and any literal secret the caller passes (plus its base64 forms, also inside a longer base64 text).
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  return redactWith(text, secrets instanceof SecretSet ? secrets.forms() : formsOf(secrets));
}

/** Deep-copies a value, redacting every string in it (values, not keys) with `redact`; for results and log context. */
export function redactDeep<T>(value: T, secrets: Iterable<string> = []): T {
  const forms = secrets instanceof SecretSet ? secrets.forms() : formsOf(secrets);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactWith(v, forms);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

function redactWith(text: string, forms: string[]): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(MASK);
  // Transcript lines carry a "C: " / "S: " direction prefix; the protocol forms are matched after it.
  return maskSaslContinuations(out)
    .replace(
      // A mechanism name after the mechanism is a capability list ("AUTH PLAIN LOGIN"), not a payload.
      /^((?:[CS]:[ \t]*)?[ \t]*(?:[A-Za-z0-9.]+[ \t]+)?AUTH(?:ENTICATE)?[ \t]+(?:PLAIN|XOAUTH2|LOGIN|CRAM-MD5|OAUTHBEARER))[ \t]+(?!(?:PLAIN|LOGIN|XOAUTH2?|CRAM-MD5|OAUTHBEARER|GSSAPI|NTLM|DIGEST-MD5|SCRAM-SHA-\S+|EXTERNAL|ANONYMOUS)(?:\s|$))\S+/gim,
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

function formsOf(secrets: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < MIN_SECRET) continue;
    for (const f of secretForms(s)) if (f) forms.add(f);
  }
  // Longest first: a shorter form masked first could break a longer one and leave part of it readable.
  return [...forms].sort((a, b) => b.length - a.length);
}

function secretForms(s: string): string[] {
  const b = Buffer.from(s, 'utf8');
  const forms = [s, b.toString('base64'), b.toString('base64url'), encodeURIComponent(s)];
  // Inside base64 of a longer text (a PLAIN payload with an unknown username), the secret sits at one of
  // three alignments; the base64 groups made only of its own bytes are the same wherever it sits.
  for (let lead = 0; lead < 3; lead++) {
    const whole = Math.floor((b.length - lead) / 3) * 3;
    if ((whole / 3) * 4 < MIN_CORE) continue;
    const core = b.subarray(lead, lead + whole);
    forms.push(core.toString('base64'), core.toString('base64url'));
  }
  return forms;
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
