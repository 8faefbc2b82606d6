import { providerCatalog } from './catalog';
import { type Provider, type ProviderInput, providerSchema } from './schema';

/** A catalogue to look providers up in: the built-in entries plus an overlay (the quick start's mock). */
export type Catalog = {
  all: readonly Provider[];
  /** The provider with this id, or undefined. */
  findProvider(id: string): Provider | undefined;
  /** The mailbox provider serving addresses at this domain, or undefined. */
  providerForDomain(domain: string): Provider | undefined;
  /** The provider whose mail servers this MX host belongs to (`aspmx.l.google.com` → Google), or undefined. */
  providerForMx(mxHost: string): Provider | undefined;
};

const norm = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');
const under = (name: string, suffix: string) => name === suffix || name.endsWith(`.${suffix}`);

/**
 * Builds a catalogue from the built-in entries and an overlay parsed with the same schema; an overlay
 * entry replaces a built-in one with its id and is looked at first (so it may claim a domain).
 */
export function createCatalog(overlay: readonly ProviderInput[] = []): Catalog {
  const extra = overlay.map((p) => providerSchema.parse(p));
  const ids = new Set(extra.map((p) => p.id));
  const all = [...extra, ...providerCatalog.filter((p) => !ids.has(p.id))];
  return {
    all,
    findProvider: (id) => all.find((p) => p.id === id),
    providerForDomain(domain) {
      const d = norm(domain);
      return all.find((p) => p.domains.includes(d));
    },
    providerForMx(mxHost) {
      const h = norm(mxHost);
      return all.find((p) => p.mxSuffixes.some((s) => under(h, s)));
    },
  };
}

const builtIn = createCatalog();

/** The built-in provider with this id (`google`, `microsoft`, …), or undefined. */
export function findProvider(id: string): Provider | undefined {
  return builtIn.findProvider(id);
}

/** The built-in mailbox provider serving this address domain (`gmail.com` → Google), or undefined. */
export function providerForDomain(domain: string): Provider | undefined {
  return builtIn.providerForDomain(domain);
}
