/** Header-style fields (RFC 5322 §2.2), as DSN and ARF reports and returned headers carry them. */
export type Fields = Map<string, string[]>;

/** Reading stops here: a report or a header block larger than this is not worth more time. */
export const MAX_SCAN = 256 * 1024;

/**
 * Splits `name: value` lines into groups at blank lines (a DSN has one per-message group, then one
 * group per recipient), unfolding continuation lines. Names are lower-cased; lines without a colon
 * are skipped. `maxGroups` stops early (1 = just a header block).
 */
export function parseFieldGroups(text: string, maxGroups = Number.POSITIVE_INFINITY): Fields[] {
  const groups: Fields[] = [];
  let current: Fields | null = null;
  let lastName: string | null = null;
  for (const line of text.slice(0, MAX_SCAN).split(/\r?\n/)) {
    if (line.trim() === '') {
      if (current) {
        groups.push(current);
        if (groups.length >= maxGroups) return groups;
      }
      current = null;
      lastName = null;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && current && lastName) {
      const values = current.get(lastName)!;
      values[values.length - 1] = `${values[values.length - 1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!-9;-~]+$/.test(name)) continue;
    current ??= new Map();
    const values = current.get(name) ?? [];
    values.push(line.slice(colon + 1).trim());
    current.set(name, values);
    lastName = name;
  }
  if (current) groups.push(current);
  return groups;
}

/** The header block of an embedded message or of text/rfc822-headers. */
export function parseHeaderBlock(text: string): Fields {
  return parseFieldGroups(text, 1)[0] ?? new Map();
}

export function field(fields: Fields | undefined, name: string): string | null {
  const v = fields?.get(name)?.[0];
  return v === undefined || v === '' ? null : v;
}

/** `rfc822; user@example.com` → `user@example.com`; values without a type are returned as they are. */
export function typedValue(value: string | null): string | null {
  if (value === null) return null;
  const semi = value.indexOf(';');
  const v = (
    semi >= 0 && /^[\w.-]+$/.test(value.slice(0, semi).trim()) ? value.slice(semi + 1) : value
  ).trim();
  return v === '' ? null : v;
}

/** A lower-case bare address from `<a@b>`, `Name <a@b>` or `rfc822;a@b` (RFC 6533 \x{HH} decoded). */
export function cleanAddress(value: string | null): string | null {
  if (value === null) return null;
  let v = value.replace(/\\x\{([0-9A-Fa-f]{1,6})\}/g, (_, h: string) =>
    String.fromCodePoint(Number.parseInt(h, 16)),
  );
  const angle = /<([^<>\s]*)>/.exec(v);
  if (angle) v = angle[1] ?? '';
  v = v.trim().replace(/^["']|["']$/g, '');
  return /^[^\s@<>]+@[^\s@<>]+$/.test(v) ? v.toLowerCase() : null;
}

/** A Message-ID in angle brackets, whatever the source wrote around it. */
export function cleanMessageId(value: string | null): string | null {
  if (value === null) return null;
  const m = /<([^<>\s]+)>/.exec(value) ?? /^\s*([^<>\s@]+@[^<>\s]+)\s*$/.exec(value);
  return m ? `<${m[1]}>` : null;
}
