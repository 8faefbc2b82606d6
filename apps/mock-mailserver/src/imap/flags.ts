/** IMAP flags as the store keeps them: system flags in their canonical case, keywords as first given. */

/** The system flags of RFC 3501 a message can carry (`\Recent` is per session, never stored). */
export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

const CANONICAL = new Map(SYSTEM_FLAGS.map((flag) => [flag.toLowerCase(), flag]));

/** `\seen` → `\Seen`; a keyword is kept as it is. */
export function normalizeFlag(flag: string): string {
  return CANONICAL.get(flag.toLowerCase()) ?? flag;
}

/** Whether the list holds the flag; flag names compare case-insensitively (RFC 3501 2.3.2). */
export function hasFlag(flags: readonly string[], flag: string): boolean {
  const wanted = flag.toLowerCase();
  return flags.some((f) => f.toLowerCase() === wanted);
}

export interface FlagChange {
  /** Replace every flag with these. */
  set?: readonly string[] | undefined;
  add?: readonly string[] | undefined;
  remove?: readonly string[] | undefined;
}

/** The flags after a change, without duplicates (case-insensitively), in a stable order. */
export function applyFlags(current: readonly string[], change: FlagChange): string[] {
  let out = change.set ? [] : [...current];
  const add = [...(change.set ?? []), ...(change.add ?? [])];
  for (const raw of add) {
    const flag = normalizeFlag(raw);
    if (flag.toLowerCase() !== '\\recent' && !hasFlag(out, flag)) out.push(flag);
  }
  if (change.remove?.length) {
    const removed = new Set(change.remove.map((f) => f.toLowerCase()));
    out = out.filter((f) => !removed.has(f.toLowerCase()));
  }
  return out;
}

/** Whether two flag lists hold the same flags. */
export function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f) => hasFlag(b, f));
}
