import { redact, SecretSet } from '../security/redact';

export type TranscriptLine = { ms: number; dir: 'C' | 'S' | '*'; text: string };

const MAX_LINES = 400;
const MAX_LINE = 2000;

/**
 * The protocol conversation of one test, already redacted: secrets the caller knows are masked in clear
 * and base64, AUTH payloads are replaced at the source, and `redact()` runs again on every line.
 */
export class Transcript {
  readonly lines: TranscriptLine[] = [];
  /** Shared with the step recorder and the result of the same test (pass a SecretSet to share it). */
  readonly secrets: SecretSet;
  private readonly started = Date.now();
  /** True while the client is in a SASL exchange: its continuation lines are credentials. */
  private inSasl = false;

  constructor(secrets: Iterable<string> = []) {
    this.secrets = secrets instanceof SecretSet ? secrets : new SecretSet(secrets);
  }

  /** Registers a secret learned during the test (an OAuth2 access token) so it is masked too. */
  addSecret(secret: string): void {
    this.secrets.add(secret);
  }

  /** A line the client sent; `shown` replaces it when the line itself carries a credential. */
  client(text: string, shown?: string): void {
    this.push('C', shown ?? (this.inSasl ? '*****' : text));
  }

  server(text: string): void {
    this.push('S', text);
  }

  note(text: string): void {
    this.push('*', text);
  }

  /** Marks the start or end of a SASL exchange, whose client lines are never written in clear. */
  sasl(active: boolean): void {
    this.inSasl = active;
  }

  /** The lines as the log shows them: `C: EHLO …`, `S: 250 …`. */
  text(): string[] {
    return this.lines.map((l) => `${l.dir}: ${l.text}`);
  }

  private push(dir: TranscriptLine['dir'], raw: string): void {
    if (this.lines.length >= MAX_LINES) return;
    // Redacted before it is shortened: a cut through a secret would leave its start, which no form matches.
    const clean = redact(raw, this.secrets);
    const text = clean.length > MAX_LINE ? `${clean.slice(0, MAX_LINE)}…` : clean;
    this.lines.push({ ms: Date.now() - this.started, dir, text });
  }
}
