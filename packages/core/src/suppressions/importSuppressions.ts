import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Ctx } from '../context';
import { suppressions } from '../db/schema';
import { MailroomError } from '../errors';
import { emailAddress } from '../schemas/common';
import {
  type SuppressionImportResult,
  type SuppressionReason,
  suppressionReasonSchema,
} from '../schemas/suppressions';
import { assertCanManage } from './access';
import { csvCells } from './csv';
import { suppressAddresses } from './suppressAddress';
import { normalAddress } from './view';

/** At most this many lines per import (a larger list goes in several files). */
export const IMPORT_MAX_LINES = 100_000;

/**
 * Imports `address,reason` lines (reason optional, `manual` when left out; a first line `address,…` is a
 * header) into one scope. Every line is accounted for: added, skipped (already listed, or repeated) or
 * invalid, with its line number.
 */
export async function importSuppressions({
  ctx,
  csv,
  teamId = null,
}: {
  ctx: Ctx;
  csv: string;
  teamId?: string | null;
}): Promise<SuppressionImportResult> {
  assertCanManage(ctx.actor, teamId);
  const lines = csv.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (lines.length > IMPORT_MAX_LINES) {
    throw new MailroomError('validation_failed', `An import takes at most ${IMPORT_MAX_LINES} lines`, {
      errors: [{ path: '(body)', message: `has more than ${IMPORT_MAX_LINES} lines` }],
    });
  }
  const invalid: SuppressionImportResult['invalid'] = [];
  const skipped: SuppressionImportResult['skipped'] = [];
  const wanted = new Map<string, { line: number; reason: SuppressionReason }>();
  lines.forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    const cells = csvCells(text);
    if (!cells) {
      invalid.push({
        line,
        text: text.slice(0, 200),
        message: 'is not a valid CSV line (unbalanced quotes)',
      });
      return;
    }
    const [rawAddress = '', rawReason = ''] = cells;
    if (line === 1 && rawAddress.toLowerCase() === 'address') return;
    const address = emailAddress.safeParse(rawAddress);
    if (!address.success) {
      invalid.push({ line, text: text.slice(0, 200), message: 'address: must be a valid email address' });
      return;
    }
    const reason = suppressionReasonSchema.safeParse(rawReason === '' ? 'manual' : rawReason);
    if (!reason.success) {
      invalid.push({
        line,
        text: text.slice(0, 200),
        message: `reason: must be one of ${suppressionReasonSchema.options.join(', ')}`,
      });
      return;
    }
    const key = normalAddress(address.data);
    if (wanted.has(key)) {
      skipped.push({ line, address: key, why: `repeats line ${wanted.get(key)!.line}` });
      return;
    }
    wanted.set(key, { line, reason: reason.data });
  });
  const at = ctx.now();
  let added = 0;
  const entries = [...wanted.entries()];
  // In chunks: one statement per thousand addresses keeps each insert's parameter list bounded.
  for (let i = 0; i < entries.length; i += 1000) {
    const chunk = entries.slice(i, i + 1000);
    const rows = await suppressAddresses(
      ctx.db,
      chunk.map(([address, w]) => ({
        address,
        teamId,
        reason: w.reason,
        source: 'import' as const,
        createdBy: ctx.actor.label,
        at,
      })),
    );
    added += rows.length;
    const got = new Set(rows.map((r) => r.address));
    const missed = chunk.filter(([a]) => !got.has(a)).map(([a]) => a);
    if (missed.length === 0) continue;
    const existing = await ctx.db
      .select({ address: suppressions.address, reason: suppressions.reason })
      .from(suppressions)
      .where(
        and(
          inArray(suppressions.address, missed),
          teamId ? eq(suppressions.teamId, teamId) : isNull(suppressions.teamId),
        ),
      );
    const why = new Map(existing.map((e) => [e.address, e.reason]));
    for (const a of missed) {
      skipped.push({
        line: wanted.get(a)!.line,
        address: a,
        why: `already on the list (${why.get(a) ?? 'added meanwhile'})`,
      });
    }
  }
  skipped.sort((a, b) => a.line - b.line);
  await ctx.log({
    source: 'outgoing',
    level: 'info',
    message: `Suppression list import by ${ctx.actor.label}: ${added} added, ${skipped.length} skipped, ${invalid.length} invalid`,
    context: { teamId, added, skipped: skipped.length, invalid: invalid.length },
  });
  return { added, skipped, invalid };
}
