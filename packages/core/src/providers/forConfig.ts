import type { CoreConfig } from '../context';
import { type Catalog, createCatalog } from './lookup';

const cache = new WeakMap<readonly unknown[], Catalog>();
const plain = createCatalog();

/** The catalogue a process uses: the built-in entries plus its configured overlay (`CoreConfig.providers`). */
export function catalogFor(config: CoreConfig): Catalog {
  const overlay = config.providers;
  if (!overlay || overlay.length === 0) return plain;
  let c = cache.get(overlay);
  if (!c) {
    c = createCatalog(overlay);
    cache.set(overlay, c);
  }
  return c;
}
