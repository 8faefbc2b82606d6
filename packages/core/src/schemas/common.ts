import { z } from 'zod';

/** Text that ends up in a mail header or a protocol line: CR and LF would allow injection. */
export const headerSafe = (max = 255) =>
  z
    .string()
    .max(max)
    .refine((s) => !/[\r\n\0]/.test(s), { message: 'must not contain line breaks' });

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

export const emailAddress = z
  .string()
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
