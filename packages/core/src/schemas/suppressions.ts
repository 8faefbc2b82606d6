import { z } from 'zod';
import { cursorParam, emailAddress, headerSafe, id, isoDate, pageQuery, teamScopeParam } from './common';

export const suppressionReasons = ['hard_bounce', 'complaint', 'soft_bounce_limit', 'manual'] as const;
export const suppressionReasonSchema = z.enum(suppressionReasons);
export type SuppressionReason = z.infer<typeof suppressionReasonSchema>;

/** An address Mailroom does not send to, for the whole system (`teamId` null) or one team's sends. */
export const suppressionViewSchema = z.object({
  id: z.string(),
  address: z.string(),
  teamId: z.string().nullable(),
  reason: suppressionReasonSchema,
  /** `message`: a bounce or complaint of `messageId` added it; `import`: a CSV import; `manual`: a person. */
  source: z.enum(['message', 'import', 'manual']),
  messageId: z.string().nullable(),
  /** The bounce's status and diagnostic, or a person's note. */
  detail: z.string().nullable(),
  createdAt: isoDate,
  createdBy: z.string().nullable(),
});
export type SuppressionView = z.infer<typeof suppressionViewSchema>;

export const suppressionListQuerySchema = pageQuery.extend({
  /** Part of the address (case-insensitive). */
  q: z.string().max(254).optional(),
  reason: suppressionReasonSchema.optional(),
  /** A team's entries, or (`system`) the system-wide ones. */
  teamId: teamScopeParam,
  /** The same as `teamId` (its earlier name), kept for old links. */
  scope: z.string().max(64).optional(),
  cursor: cursorParam,
});

/** `GET /suppressions.csv`: the same team filter as the list. */
export const suppressionExportQuerySchema = z.object({ teamId: teamScopeParam });
export type SuppressionListQuery = z.input<typeof suppressionListQuerySchema>;

export const suppressionInputSchema = z.object({
  address: emailAddress,
  /** null (default): for every send; a team's id: for that team's sends only. */
  teamId: id.nullable().default(null),
  reason: suppressionReasonSchema.default('manual'),
  detail: headerSafe(500).optional(),
});
export type SuppressionInput = z.input<typeof suppressionInputSchema>;

/** `POST /suppressions/import` query: the scope every imported line goes into. */
export const suppressionImportQuerySchema = z.object({ teamId: id.optional() });

/** What a CSV import did, line by line (line 1 is the first line of the file). */
export const suppressionImportResultSchema = z.object({
  added: z.number().int(),
  /** Lines whose address was already on the list in that scope, or repeated in the file. */
  skipped: z.array(z.object({ line: z.number().int(), address: z.string(), why: z.string() })),
  /** Lines that could not be read: not an address, or an unknown reason. */
  invalid: z.array(z.object({ line: z.number().int(), text: z.string(), message: z.string() })),
  /**
   * Columns of the file that were not imported, each with why: the export's record of where an entry came
   * from (an import is recorded as an import, by the importer, now), or a column the list does not keep.
   */
  ignoredColumns: z.array(z.object({ column: z.string(), why: z.string() })),
});
export type SuppressionImportResult = z.infer<typeof suppressionImportResultSchema>;
