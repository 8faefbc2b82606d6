// Every transport's browser-safe half, by kind: the account schema, the codec, the rules, the reports and
// the web form work from this list. Adding a transport: its folder, one line here, one in summaries.ts and
// one in registry.ts (the compiler asks for the last two). Imports only zod and the schemas.
import type { z } from 'zod';
import { mailgunSettings } from './mailgun/settings';
import { sendmailSettings } from './sendmail/settings';
import { sesSettings } from './ses/settings';
import { smtpSettings } from './smtp/settings';
import type { TransportSettings, TransportTypes } from './types';

export const transportCatalog = {
  smtp: smtpSettings,
  sendmail: sendmailSettings,
  mailgun: mailgunSettings,
  ses: sesSettings,
};

type Catalog = typeof transportCatalog;
/** The transports an outgoing part can use: `smtp`, `sendmail`, `mailgun` … */
export type TransportKind = keyof Catalog;
/** The kinds in the catalog's order (the form offers them in it). */
export const transportKinds = Object.keys(transportCatalog) as TransportKind[];

/** The types of one transport (distributes over a union of kinds). */
export type TypesOf<K extends TransportKind> = K extends TransportKind
  ? Catalog[K] extends TransportSettings<infer T extends TransportTypes>
    ? T
    : never
  : never;
/** The parsed input of a transport's outgoing part. */
export type ParsedOf<K extends TransportKind> = z.output<TypesOf<K>['input']>;
/** A transport's settings as it connects with them (secrets in clear, defaults filled). */
export type SettingsOf<K extends TransportKind> = TypesOf<K>['settings'];
/** A transport's settings as stored (no secrets). */
export type StoredOf<K extends TransportKind> = TypesOf<K>['stored'];
/** A transport's settings as the API shows them. */
export type ViewOf<K extends TransportKind> = z.output<TypesOf<K>['view']>;
/** A transport's secret fields, relative to the outgoing part. */
export type SecretFieldOf<K extends TransportKind> = TypesOf<K>['secret'];

/** One transport's settings module, typed by its kind. */
export type SettingsModule<K extends TransportKind> = TransportSettings<TypesOf<K>>;

/**
 * The catalog typed by kind, so `settingsOf(part.transport)` pairs a part with its own module: every
 * function taking the part of a kind gets that kind's module.
 */
const byKind: { [K in TransportKind]: SettingsModule<K> } = transportCatalog;

/** The settings module of a transport. */
export function settingsOf<K extends TransportKind>(kind: K): SettingsModule<K> {
  return byKind[kind];
}

/** True for a transport kind the catalog knows. */
export function isTransportKind(kind: unknown): kind is TransportKind {
  return typeof kind === 'string' && Object.hasOwn(transportCatalog, kind);
}
