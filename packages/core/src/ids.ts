import { randomUUID } from 'node:crypto';

/** Opaque ids for rows; UUIDs so ids can be made anywhere (API, worker) without a round trip. */
export const newId = (): string => randomUUID();
