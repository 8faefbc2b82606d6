import { and, eq, inArray, isNull } from 'drizzle-orm';
import { canRead } from '../accounts/access';
import type { Ctx } from '../context';
import { suppressions, teams } from '../db/schema';
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

/** The longest note an entry keeps (as `addSuppression`'s `detail`). */
const NOTE_MAX = 500;

/** Why the export's other columns are not read back: an import records its own provenance. */
const notImported = (by: string): Record<string, string> => ({
  source: 'an imported entry is recorded as an import',
  message_id: 'an imported entry names no message',
  created_at: 'an imported entry is recorded as added now',
  created_by: `an imported entry is recorded as added by ${by}`,
});

type Columns = { address: number; reason: number; note: number; noteName: string; scope: number };

/**
 * Where each column stands: named by a header line (`address` among its cells; `note` or `detail` for the
 * note, `scope` as the export writes it; any order), else `address,reason,note`. The header's other
 * columns are reported as ignored.
 */
function readHeader(
  cells: string[],
  ignored: Map<string, string>,
  why: Record<string, string>,
): Columns | null {
  const names = cells.map((c) => c.toLowerCase());
  if (!names.includes('address')) return null;
  const cols: Columns = { address: -1, reason: -1, note: -1, noteName: 'note', scope: -1 };
  names.forEach((name, i) => {
    if (name === 'address' && cols.address < 0) cols.address = i;
    else if (name === 'reason' && cols.reason < 0) cols.reason = i;
    else if (name === 'scope' && cols.scope < 0) cols.scope = i;
    else if ((name === 'note' || name === 'detail') && cols.note < 0) {
      cols.note = i;
      cols.noteName = name;
    } else if (name !== '' && !ignored.has(cells[i]!)) {
      ignored.set(cells[i]!, why[name] ?? 'not a column the list keeps (address, reason, note or detail)');
    }
  });
  return cols;
}

/**
 * Imports `address,reason,note` lines (reason optional, `manual` when left out; note optional) into one
 * scope. A first line naming an `address` column is a header: columns are then found by name (`note` or
 * `detail` for the note), so the export's own file imports back with its reasons and notes. Every line is
 * accounted for: added, skipped (already listed, or repeated) or invalid, with its line number; every
 * column not imported is named in `ignoredColumns`, with why.
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
  const wanted = new Map<string, { line: number; reason: SuppressionReason; note: string | null }>();
  const ignored = new Map<string, string>();
  const why = notImported(ctx.actor.label);
  let cols: Columns = { address: 0, reason: 1, note: 2, noteName: 'note', scope: -1 };
  const into = teamId ?? 'system';
  let headerless = true;
  let widest = 0;
  const elsewhere: { line: number; address: string; scope: string | null }[] = [];
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
    const header = line === 1 ? readHeader(cells, ignored, why) : null;
    if (header) {
      cols = header;
      headerless = false;
      return;
    }
    // Trailing empty cells ("a@x.org,manual,,") carry nothing to leave out.
    widest = Math.max(widest, cells.findLastIndex((c) => c !== '') + 1);
    const rawAddress = cells[cols.address] ?? '';
    const rawReason = cells[cols.reason] ?? '';
    const note = cells[cols.note] ?? '';
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
    if (note.length > NOTE_MAX || /\0/.test(note)) {
      invalid.push({
        line,
        text: text.slice(0, 200),
        message: `${cols.noteName}: ${note.length > NOTE_MAX ? `at most ${NOTE_MAX} characters` : 'must be plain text'}`,
      });
      return;
    }
    const key = normalAddress(address.data);
    // The export's scope column: a line of another list is left for an import into that list, so an
    // export of every list imported into one never widens a team's entry to every send (or narrows one).
    const scope = cells[cols.scope] ?? '';
    if (scope !== '' && (scope.toLowerCase() === 'system' ? 'system' : scope) !== into) {
      elsewhere.push({ line, address: key, scope: scope.toLowerCase() === 'system' ? null : scope });
      return;
    }
    if (wanted.has(key)) {
      skipped.push({ line, address: key, why: `repeats line ${wanted.get(key)!.line}` });
      return;
    }
    wanted.set(key, { line, reason: reason.data, note: note === '' ? null : note });
  });
  if (headerless && widest > 3) {
    ignored.set(
      widest === 4 ? 'column 4' : `columns 4 to ${widest}`,
      'a file without a header line is read as address,reason,note',
    );
  }
  if (elsewhere.length > 0) {
    // Only teams the importer may read are named: the file's scope column is theirs to write anything in.
    const ids = [...new Set([teamId, ...elsewhere.map((e) => e.scope)].filter((t) => t !== null))].filter(
      (t) => canRead(ctx.actor, t),
    );
    const names = new Map(
      (await ctx.db.select({ id: teams.id, name: teams.name }).from(teams).where(inArray(teams.id, ids))).map(
        (t) => [t.id, t.name],
      ),
    );
    const list = (t: string | null) => (t === null ? 'the system list' : `team ${names.get(t) ?? t}'s list`);
    for (const e of elsewhere) {
      skipped.push({
        line: e.line,
        address: e.address,
        why: `the file puts it on ${list(e.scope)}; this import goes into ${list(teamId)}`,
      });
    }
  }
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
        detail: w.note,
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
  const ignoredColumns = [...ignored].map(([column, why]) => ({ column, why }));
  return { added, skipped, invalid, ignoredColumns };
}
