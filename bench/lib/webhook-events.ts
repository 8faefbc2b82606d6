// The webhook benches' setup: a context on a database, and the same stored events for every run.
import {
  type Ctx,
  type CtxBase,
  createContext,
  createOutbox,
  createSecretBox,
  type Database,
  defaultCoreConfig,
  emitEvents,
  generateKeySpec,
  parseKeySpec,
  systemActor,
} from '@mailroom/core';

/** The event data of the i-th bench event (a sent message with one recipient). */
export function benchEventData(i: number) {
  return {
    id: `m${i}`,
    status: 'sent',
    recipients: [{ address: `r${i}@example.com`, status: 'accepted' }],
  };
}

/** A system context on the database, private hosts allowed (the receiver is on loopback). */
export function benchContext(database: Database) {
  const base: CtxBase = {
    db: database.db,
    secrets: createSecretBox(parseKeySpec(generateKeySpec('bench'))),
    config: { ...defaultCoreConfig, allowPrivateHosts: true },
    outbox: createOutbox(database.db),
  };
  return { base, ctx: createContext(base, systemActor) };
}

/** Stores `n` `message.sent` events (500 a transaction), one pending delivery per enabled endpoint; their ids. */
export async function storeBenchEvents(ctx: Ctx, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from({ length: Math.min(500, n - i) }, (_, j) => ({
      type: 'message.sent' as const,
      teamId: null,
      data: benchEventData(i + j),
    }));
    ids.push(...(await ctx.db.transaction((tx) => emitEvents(tx, batch))));
  }
  return ids;
}
