import type { Db } from '../db/client';

/**
 * The embedded database (PGlite) has one process, so a delivery being attempted needs no lease row: the
 * dispatchers of this process keep the deliveries they hold here, per database, and a claim skips them.
 * A process that dies takes the set with it, and its deliveries are still `pending` (due again at once
 * after a restart: at least once, as with a lease released at start-up). Postgres keeps its leases
 * (dispatchers in several processes).
 */
type Registry = { ids: Set<string>; claiming: Promise<unknown> };

const registries = new WeakMap<object, Registry>();

function registryOf(db: Db): Registry {
  let r = registries.get(db);
  if (!r) {
    r = { ids: new Set(), claiming: Promise.resolve() };
    registries.set(db, r);
  }
  return r;
}

/** Deliveries a dispatcher of this process holds on this (embedded) database. */
export function deliveriesInFlight(db: Db): ReadonlySet<string> {
  return registryOf(db).ids;
}

/**
 * Runs one claim at a time per database, so what it takes is in the set before the next claim reads
 * it (two dispatchers of one process never take the same delivery); `take` returns the ids it claimed.
 */
export function claimInFlight<T>(
  db: Db,
  claim: (held: ReadonlySet<string>) => Promise<{ ids: string[]; result: T }>,
): Promise<T> {
  const r = registryOf(db);
  const run = r.claiming.then(async () => {
    const { ids, result } = await claim(r.ids);
    for (const id of ids) r.ids.add(id);
    return result;
  });
  r.claiming = run.catch(() => {});
  return run;
}

/** The deliveries are no longer held (their attempt is written, or its write was given up). */
export function releaseInFlight(db: Db, ids: Iterable<string>): void {
  const r = registries.get(db);
  if (!r) return;
  for (const id of ids) r.ids.delete(id);
}
