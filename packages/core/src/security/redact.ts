const MASK = '*****';
/** Shorter secrets are not masked: they would mask innocent text too. */
const MIN_SECRET = 3;
/** Base64 groups of a secret found inside a longer base64 text are masked only from this many characters. */
const MIN_CORE = 8;
/**
 * A secret at least this long is also recognised by its first PREFIX characters: a log that shows a token
 * "shortened" (nodemailer logs `ya29.a...`) gets the whole token masked, never a readable start.
 */
const PREFIX = 6;
const MIN_PREFIXED = 8;

type Compiled = {
  /** Every literal form to mask, longest first. */
  forms: string[];
  /** Starts of the secrets themselves, each with the pattern masking the whole token it begins. */
  prefixes: Array<{ start: string; token: RegExp }>;
};

/**
 * The secrets of one operation (a connection test, a fetch, an account's sends), shared by everything that
 * writes text out of it and growable while it runs: a token learned half-way is masked from then on, by
 * every writer. Secrets are masked in clear and every encoding; the strings built from them (SASL PLAIN and
 * XOAUTH2 payloads, `user:password` pairs) are masked whole, in clear and base64.
 */
export class SecretSet implements Iterable<string> {
  /** The secrets themselves: also recognised by their start. */
  private readonly values = new Set<string>();
  /** Strings built from them: masked as a whole only (their start is a username, not a secret). */
  private readonly built = new Set<string>();
  private cached: Compiled | null = null;
  private frozen = false;

  constructor(secrets: Iterable<string> = []) {
    if (secrets instanceof SecretSet) {
      for (const s of secrets.values) this.values.add(s);
      for (const s of secrets.built) this.built.add(s);
      return;
    }
    for (const s of secrets) this.add(s);
  }

  /** Adds a secret (ignored when empty or too short to mask safely). */
  add(secret: string | null | undefined): void {
    if (!secret || secret.length < MIN_SECRET || this.values.has(secret)) return;
    this.assertOpen();
    this.values.add(secret);
    this.cached = null;
  }

  /** Adds a password and the SASL PLAIN strings built from it, so their base64 forms are masked whole. */
  addLogin(username: string, password: string): void {
    this.add(password);
    if (password) for (const s of plainForms(username, password)) this.addBuilt(s);
  }

  /** Adds an OAuth2 access token and the XOAUTH2 and OAUTHBEARER strings that carry it. */
  addBearer(username: string, token: string): void {
    this.add(token);
    if (token) for (const s of bearerForms(username, token)) this.addBuilt(s);
  }

  /** Adds a secret sent as HTTP Basic credentials (`user:secret`, as Mailgun's `api:<key>`). */
  addBasic(username: string, secret: string): void {
    this.add(secret);
    if (secret) this.addBuilt(`${username}:${secret}`);
  }

  /** A growable copy: what an operation that learns secrets on its way starts from. */
  copy(): SecretSet {
    return new SecretSet(this);
  }

  /** Shared sets (an account's, reused by every send) refuse changes: a send must not add to another's. */
  freeze(): this {
    this.frozen = true;
    return this;
  }

  [Symbol.iterator](): Iterator<string> {
    return [...this.values, ...this.built][Symbol.iterator]();
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
    return this.compiled().forms;
  }

  /** @internal What `redact` works from, computed once per change of the set. */
  compiled(): Compiled {
    this.cached ??= compile(this.values, this.built);
    return this.cached;
  }

  private addBuilt(s: string): void {
    if (s.length < MIN_SECRET || this.built.has(s)) return;
    this.assertOpen();
    this.built.add(s);
    this.cached = null;
  }

  private assertOpen(): void {
    // A programming error, not a runtime condition: a shared set grown by one operation would mask (and
    // keep in memory) another operation's secrets. Take a copy() first.
    if (this.frozen) throw new Error('This SecretSet is shared: add to a copy()');
  }
}

/** The strings SASL PLAIN encodes for a login: `\0user\0pass`, `user\0user\0pass` (authzid) and `user\0pass`. */
export function plainForms(username: string, password: string): string[] {
  return [`\0${username}\0${password}`, `${username}\0${username}\0${password}`, `${username}\0${password}`];
}

/** The strings SASL XOAUTH2 and OAUTHBEARER (RFC 7628) encode for a token. */
export function bearerForms(username: string, token: string): string[] {
  return [
    `user=${username}\x01auth=Bearer ${token}\x01\x01`,
    `n,a=${username},\x01auth=Bearer ${token}\x01\x01`,
    `n,,\x01auth=Bearer ${token}\x01\x01`,
  ];
}

/**
 * Removes secrets from text bound for a log row, a transcript, a stored reply or an error. Knows SMTP/IMAP/POP3
 * AUTH forms (PLAIN, LOGIN, XOAUTH2 and their base64, also echoed inside a server's reply), IMAP LOGIN, POP3
 * PASS, HTTP `Authorization`/Basic/Bearer credentials, credential fields of JSON and form bodies
 * (`"access_token":…`, `refresh_token=…`), and any secret the caller passes: in clear, base64, base64url and
 * URL-encoded, inside a longer base64 text, and by its start (a shortened token is masked whole).
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  return redactWith(text, compiledOf(secrets));
}

/** Deep-copies a value, redacting every string in it (values, not keys) with `redact`; for results and log context. */
export function redactDeep<T>(value: T, secrets: Iterable<string> = []): T {
  const compiled = compiledOf(secrets);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactWith(v, compiled);
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

/**
 * `redact` with one set, remembering its answers: the outbox redacts thousands of replies a second, and the
 * replies of one batch repeat (every recipient of a message, every message of a busy account). Make one per
 * batch, not one for the life of the process (it keeps every text it saw).
 */
export function createRedactor(secrets: Iterable<string> = []): (text: string) => string {
  const compiled = compiledOf(secrets);
  const seen = new Map<string, string>();
  return (text) => {
    let out = seen.get(text);
    if (out === undefined) {
      out = redactWith(text, compiled);
      seen.set(text, out);
    }
    return out;
  };
}

const EMPTY: Compiled = { forms: [], prefixes: [] };

function compiledOf(secrets: Iterable<string>): Compiled {
  if (secrets instanceof SecretSet) return secrets.compiled();
  const values = new Set<string>();
  for (const s of secrets) if (s && s.length >= MIN_SECRET) values.add(s);
  return values.size === 0 ? EMPTY : compile(values, new Set());
}

function redactWith(text: string, { forms, prefixes }: Compiled): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(MASK);
  for (const { start, token } of prefixes) if (out.includes(start)) out = out.replace(token, MASK);
  // Each pattern runs only where its keyword is: most texts ("250 2.0.0 Ok: queued as …") run none.
  const lower = out.toLowerCase();
  for (const rule of RULES) if (rule.when(lower)) out = rule.apply(out);
  return out;
}

const MECHANISM =
  /^(?:PLAIN|LOGIN|XOAUTH2?|CRAM-MD5|OAUTHBEARER|GSSAPI|NTLM|DIGEST-MD5|SCRAM-SHA-\S+|EXTERNAL|ANONYMOUS)$/i;
/** A plain lower-case word ("rejected", "failed") after a mechanism or a scheme is prose, not a credential. */
const PROSE = /^[a-z]+$/;
/**
 * A base64 run that could hold a SASL payload: its NUL (PLAIN) or ^A (XOAUTH2) bytes always encode to one of
 * A-H, so a run without them (a lower-case queue id) need not be decoded.
 */
const MAYBE_SASL_B64 = /(?:^|[^A-Za-z0-9+/_-])(?=[A-Za-z0-9+/_-]{8})[A-Za-z0-9+/_-]*[A-H]/;

type Rule = { when: (lower: string) => boolean; apply: (text: string) => string };

/**
 * The shapes credentials take in protocol lines, servers' replies, errors and HTTP bodies, with or without
 * knowing the secret. Transcript lines carry a "C: " / "S: " direction prefix; line forms match after it.
 */
const RULES: Rule[] = [
  {
    // The client's answer to a SASL challenge (SMTP `334 …`, IMAP/POP3 `+ …`) is a credential.
    when: (l) => l.includes('\n'),
    apply: maskSaslContinuations,
  },
  {
    when: (l) => l.includes('auth'),
    apply: (t) =>
      t
        .replace(
          // A mechanism name after the mechanism is a capability list ("AUTH PLAIN LOGIN"), not a payload.
          /^((?:[CS]:[ \t]*)?[ \t]*(?:[A-Za-z0-9.]+[ \t]+)?AUTH(?:ENTICATE)?[ \t]+(?:PLAIN|XOAUTH2|LOGIN|CRAM-MD5|OAUTHBEARER))[ \t]+(?!(?:PLAIN|LOGIN|XOAUTH2?|CRAM-MD5|OAUTHBEARER|GSSAPI|NTLM|DIGEST-MD5|SCRAM-SHA-\S+|EXTERNAL|ANONYMOUS)(?:\s|$))\S+/gim,
          '$1 *****',
        )
        // An AUTH command echoed in the middle of a reply ("535 5.7.8 AUTH PLAIN AGFs… rejected").
        .replace(
          /\b(AUTH(?:ENTICATE)?[ \t]+(?:PLAIN|XOAUTH2|LOGIN|CRAM-MD5|OAUTHBEARER))[ \t]+([A-Za-z0-9+/_-]+=*)/gi,
          (m, head: string, payload: string) =>
            MECHANISM.test(payload) || PROSE.test(payload) ? m : `${head} ${MASK}`,
        )
        // The Authorization header's value, whatever its scheme.
        .replace(
          /\b((?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?)(?:(Basic|Bearer|Digest|Negotiate|NTLM|Token)[ \t]+)?([^\s"',;]+)/gi,
          (_m, head: string, scheme: string | undefined) => `${head}${scheme ? `${scheme} ` : ''}${MASK}`,
        ),
  },
  {
    when: (l) => l.includes('login'),
    apply: (t) =>
      t.replace(/^((?:C:[ \t]*)?[ \t]*[A-Za-z0-9.]+[ \t]+LOGIN[ \t]+("[^"]*"|\S+))[ \t]+.+$/gim, '$1 *****'),
  },
  {
    when: (l) => l.includes('pass'),
    apply: (t) => t.replace(/^((?:C:[ \t]*)?[ \t]*PASS)[ \t]+.+$/gim, '$1 *****'),
  },
  {
    when: (l) => l.includes('apop'),
    apply: (t) => t.replace(/^((?:C:[ \t]*)?[ \t]*APOP[ \t]+\S+)[ \t]+.+$/gim, '$1 *****'),
  },
  {
    // Any base64 text that decodes to a SASL PLAIN or XOAUTH2/OAUTHBEARER payload, whoever's it is.
    when: () => true,
    apply: (t) =>
      MAYBE_SASL_B64.test(t)
        ? t.replace(/[A-Za-z0-9+/_-]{8,}={0,2}/g, (m) => (isSaslPayload(m) ? MASK : m))
        : t,
  },
  {
    // HTTP Basic credentials: base64 of `user:password`.
    when: (l) => l.includes('basic'),
    apply: (t) =>
      t.replace(
        /\b(Basic)[ \t]+([A-Za-z0-9+/_-]{4,}={0,2})(?![A-Za-z0-9+/=_-])/gi,
        (m, scheme: string, b64: string) =>
          Buffer.from(b64, 'base64').toString('latin1').includes(':') ? `${scheme} ${MASK}` : m,
      ),
  },
  {
    // A Bearer token; not an auth-param of a challenge (`Bearer realm="mail"`).
    when: (l) => l.includes('bearer'),
    apply: (t) =>
      t.replace(/\b(Bearer)[ \t]+([A-Za-z0-9\-._~+/]+=*)(?![="])/gi, (m, scheme: string, token: string) =>
        PROSE.test(token) ? m : `${scheme} ${MASK}`,
      ),
  },
  {
    // Credential fields of JSON, form and query strings, and logged objects: the whole value, never a start
    // (nodemailer logs `"access_token":"ya29.a..."`).
    when: (l) => /token|secret|key|assertion|passw/.test(l),
    apply: (t) =>
      t.replace(
        /(["']?)\b((?:access|refresh|id)_?token|client_?secret|client_assertion|assertion|api_?key|password|passwd|secret|token)\1([ \t]*[:=][ \t]*)("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s"'&,;)}\]]+)/gi,
        (m, quote: string, key: string, sep: string, value: string) => {
          if (value === MASK || value === `"${MASK}"` || value === `'${MASK}'`) return m;
          const q = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : '';
          return `${quote}${key}${quote}${sep}${q}${MASK}${q}`;
        },
      ),
  },
];

/** SASL PLAIN is `authzid\0user\0password`; XOAUTH2 and OAUTHBEARER carry `\x01auth=Bearer …`. */
function isSaslPayload(b64: string): boolean {
  const decoded = Buffer.from(b64, 'base64').toString('latin1');
  if (decoded.toLowerCase().includes('\x01auth=')) return true;
  const parts = decoded.split('\0');
  // Binary noise (a queue id that happens to decode) has control bytes; a login is printable text.
  return parts.length === 3 && parts[1] !== '' && parts[2] !== '' && parts.every(printable);
}

function printable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
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

function compile(values: Set<string>, built: Set<string>): Compiled {
  const forms = new Set<string>();
  const prefixes: Compiled['prefixes'] = [];
  for (const s of values) {
    for (const f of secretForms(s)) if (f) forms.add(f);
    if (s.length >= MIN_PREFIXED) {
      // The whole token a start begins: up to whitespace, a quote or a delimiter of JSON and headers.
      for (const start of [
        s.slice(0, PREFIX),
        Buffer.from(s)
          .toString('base64')
          .slice(0, PREFIX + 2),
      ]) {
        prefixes.push({ start, token: new RegExp(`${escapeRegExp(start)}[^\\s"'<>,;()\\[\\]{}]*`, 'g') });
      }
    }
  }
  for (const s of built) for (const f of secretForms(s)) if (f) forms.add(f);
  // Longest first: a shorter form masked first could break a longer one and leave part of it readable.
  return { forms: [...forms].sort((a, b) => b.length - a.length), prefixes };
}

function secretForms(s: string): string[] {
  const b = Buffer.from(s, 'utf8');
  const forms = [
    s,
    b.toString('base64'),
    b.toString('base64url'),
    encodeURIComponent(s),
    // Form bodies (application/x-www-form-urlencoded) encode a few characters differently.
    new URLSearchParams([['', s]]).toString().slice(1),
    // Escaped inside quotes: IMAP's quoted string (LOGIN "user" "pa\"ss"), and a JSON string once or twice
    // (an error body echoing what it was sent, itself carried in a JSON field). A quote or a backslash in
    // the secret would otherwise leave everything after it readable.
    s.replace(/["\\]/g, '\\$&'),
    jsonEscaped(s),
    jsonEscaped(jsonEscaped(s)),
  ];
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

/** The text of a JSON string holding `s`, without its quotes. */
function jsonEscaped(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
