// The shape of a transport's browser-safe half (settings.ts, summary.ts): what every transport folder
// provides so the account schema, the codec, the rules, the reports and the web form work from the
// catalog instead of knowing each kind. Types only.
import type { z } from 'zod';
import type { OutgoingViewCommon, SecretUse, SecretValue } from '../schemas/parts';

/** One line of a transport's summary: a label and its value (`mono` for hosts, paths and URLs). */
export type SummaryRow = { label: string; value: string; mono?: boolean };

/** How an outgoing part is shown: the details widget's rows, the accounts list's line, the CSV endpoint. */
export type Summary = {
  /** One line the accounts list shows ("smtp.example.com:587", "mailgun · mg.example.com"). */
  line: string;
  /** Where mail goes, for the CSV report ("smtp.example.com:587", the API's URL, the program's path). */
  endpoint: string;
  /** The transport's own rows for the details widget (the common From/Reply-To rows are added by it). */
  rows: SummaryRow[];
};

/**
 * A field of the account form, declared by the transport and rendered by one generic component.
 * `server` is host, security, port and certificate checks; `auth` the sign-in (none, password, OAuth2).
 */
export type FieldSpec =
  | { kind: 'server' }
  | { kind: 'auth' }
  | {
      kind: 'text' | 'url';
      /** The field of the outgoing part (`domain`, `baseUrl`). */
      key: string;
      label: string;
      help?: string;
      placeholder?: string;
      /** Blank means "leave it out" (the schema's default applies); otherwise blank is sent as typed. */
      optional?: boolean;
      /** Only admins may set it; others see it read-only. */
      adminOnly?: boolean;
      mono?: boolean;
      /** Takes the whole row of the form's grid. */
      wide?: boolean;
    }
  | {
      kind: 'secret';
      key: string;
      label: string;
      /** The view's flag saying a value is stored (`hasApiKey`). */
      has: string;
      help?: string;
    };

/** Everything a transport's types are: its input and view schemas, its settings, stored form and secrets. */
export type TransportTypes = {
  kind: string;
  input: z.ZodObject;
  view: z.ZodObject;
  /** The parsed input with defaults filled (the SMTP port): what a transport connects with. */
  settings: { transport: string };
  /** `settings` without its secret fields: what the `accounts.outgoing` column holds. */
  stored: { transport: string };
  /** Secret fields, relative to the outgoing part (`apiKey`, `auth.password`). */
  secret: string;
};

/**
 * The browser-safe half of a transport (`transports/<kind>/settings.ts`): schemas, secrets, form fields,
 * summary, and the pure conversions between input, stored form and view. Listed in `catalog.ts`.
 */
export interface TransportSettings<T extends TransportTypes> {
  kind: T['kind'];
  /** The name people see ("SMTP", "Mailgun API"). */
  label: string;
  input: T['input'];
  view: T['view'];
  /** Every secret field this transport can have; encrypted at rest, write-only. */
  secretFields: readonly T['secret'][];
  /** Only admins may choose this transport (it runs something on the server). */
  adminOnly?: boolean;
  /** Ports by security mode, when the transport has a port that follows the security choice. */
  defaultPorts?: Record<'none' | 'starttls' | 'tls', number>;
  /**
   * Fields that say where the secret goes (host, port, base URL, endpoint, region): changing one of them on
   * an account with a stored secret requires the secret again. Dotted paths (`auth.tokenUrl`).
   */
  secretGoesTo: readonly string[];
  /** The form: which fields, in which order. */
  fields: readonly FieldSpec[];
  /** Starting values of the form's fields (`{ baseUrl: 'https://api.mailgun.net' }`). */
  defaults: Readonly<Record<string, string>>;
  /** The parsed input with computed defaults filled (the SMTP port from the security mode). */
  complete(parsed: z.output<T['input']>): T['settings'];
  /** Splits settings into what is stored in clear and the secrets the input carried. */
  split(settings: T['settings']): {
    stored: T['stored'];
    secrets: Partial<Record<T['secret'], SecretValue>>;
  };
  /** Stored settings with their secrets put back: what a transport or a test connects with. */
  attach(stored: T['stored'], secret: (field: T['secret']) => SecretValue): T['settings'];
  /** The secrets these settings use (a password-less SMTP account uses none), and which are required. */
  secretsUsed(stored: T['stored']): Array<SecretUse<T['secret']>>;
  /** The API's view: the stored settings with `has*` flags in place of secrets. */
  toView(
    stored: T['stored'],
    has: (field: T['secret']) => boolean,
    common: OutgoingViewCommon,
  ): z.output<T['view']>;
}

/**
 * How a transport is shown (`transports/<kind>/summary.ts`), kept apart from the schemas so the accounts
 * list can show it without loading zod. Listed in `summaries.ts`.
 */
export interface TransportSummary<View> {
  /** The name people see ("SMTP", "Mailgun API"). */
  label: string;
  /** What the details widget, the accounts list and the CSV report show. */
  summary(view: View): Summary;
}
