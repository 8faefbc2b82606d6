import type { messageAttempts, messages, recipientEvents } from '../db/schema';

export type MessageRow = typeof messages.$inferSelect;
export type AttemptRow = typeof messageAttempts.$inferSelect;
export type RecipientEventRow = typeof recipientEvents.$inferSelect;

/** Rows of a raw `db.execute()`: postgres-js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
