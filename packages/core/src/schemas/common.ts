import { z } from 'zod';

/** Text that ends up in a mail header or a protocol line: CR and LF would allow injection. */
export const headerSafe = (max = 255) =>
  z
    .string()
    .max(max)
    .refine((s) => !/[\r\n\0]/.test(s), { message: 'must not contain line breaks' });

/**
 * True for canonical base64 (RFC 4648, section 4): the 64 letters of the standard alphabet, `=` only as
 * one or two final padding characters, a length that is a multiple of 4, and zero bits where padding
 * begins, so the text decodes to exactly one byte string and back. Spaces, tabs and line breaks are
 * ignored anywhere, because MIME tools wrap base64 at 76 characters; nothing else is.
 */
export function isCanonicalBase64(text: string): boolean {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact.length % 4 !== 0) return false;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return false;
  const pad = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  if (pad === 0) return true;
  // The last letter before the padding carries 4 (==) or 2 (=) unused bits, which must be zero.
  const last = BASE64_ALPHABET.indexOf(compact.charAt(compact.length - pad - 1));
  return last % (pad === 2 ? 16 : 4) === 0;
}
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Binary content carried as canonical base64 (see `isCanonicalBase64`). */
export const base64Content = z.string().refine(isCanonicalBase64, {
  message:
    'must be base64: letters A-Z a-z 0-9 + /, padded with = only at the end to a multiple of 4 characters (line breaks allowed)',
});

const hostnameRe = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;
const ipv4Re = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ipv6Re = /^\[?[0-9A-Fa-f:.]+\]?$/;

/** True for a DNS name, an IPv4 address or an IPv6 literal. */
export function isHost(value: string): boolean {
  if (ipv4Re.test(value)) return true;
  if (value.includes(':')) return ipv6Re.test(value);
  // A name made only of digits and dots that is not a valid IPv4 address is a typo, not a host.
  if (/^[\d.]+$/.test(value)) return false;
  return hostnameRe.test(value);
}

export const hostname = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(253)
  .refine(isHost, { message: 'must be a valid hostname or IP address' });

export const port = z
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

/**
 * One email address, as text. Anything else that is there (an object such as `{ address }`, the shape
 * `from` takes) is named as what it should be; nothing at all stays "is required".
 */
export const emailAddress = z
  .string({
    error: (issue) =>
      issue.input === undefined ? undefined : 'must be an email address as text, such as ann@example.com',
  })
  .trim()
  .max(254)
  .refine((s) => !/[\r\n\0]/.test(s), { message: 'must not contain line breaks' })
  .pipe(z.email({ message: 'must be a valid email address' }));

/** A domain name such as example.com (no scheme, no @). */
export const domainName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine((s) => hostnameRe.test(s) && s.includes('.'), { message: 'must be a valid domain name' });

export const id = z.string().min(1).max(64);
export const isoDate = z.string();

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });

export type ListResult<T> = { items: T[]; total: number; page: number; pageSize: number };

/**
 * The `cursor` of a list paged by keyset (outbox, inbox, Main Log): a `nextCursor` (older rows) or
 * `prevCursor` (newer rows) that list gave, unchanged, sent with the same filters. As fast on the
 * thousandth page as on the first; `page` still works for old clients, slower the deeper it goes.
 */
export const cursorParam = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe(
    'Where the page starts: the nextCursor (older rows) or prevCursor (newer rows) of the last answer, unchanged, with the same filters. Use it instead of page: it is as fast on the thousandth page as on the first.',
  );

/**
 * The lists' team filter (the header's team switcher): a team's id for that team's rows, `system` for
 * system-level rows (no team). It narrows what the actor may read anyway; an id that names no team
 * matches nothing.
 */
export const teamScopeParam = z
  .string()
  .optional()
  .describe(
    "A team's id: only that team's rows; `system`: only system-level rows (no team). Narrows what you may read anyway; an id that names no team gives an empty list. Leave it out for every team.",
  );

/** A page of a list paged by keyset: the page fields, the cursors either side, and a count capped at 1,000. */
export const cursorListOf = <T extends z.ZodType>(item: T) =>
  listOf(item).extend({
    /** Where the older rows go on (pass it as `cursor`); null on the last page. */
    nextCursor: z.string().nullable(),
    /** Where the newer rows are (pass it as `cursor`); null on the first page. */
    prevCursor: z.string().nullable(),
    /** True when more than `total` rows match: the count stops at 1,000 so it stays fast. */
    totalCapped: z.boolean(),
  });

export type CursorListResult<T> = ListResult<T> & {
  nextCursor: string | null;
  prevCursor: string | null;
  totalCapped: boolean;
};

/** RFC 9457 problem details, as every error response carries them. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  hint: z.string().optional(),
});
export type Problem = z.infer<typeof problemSchema>;
