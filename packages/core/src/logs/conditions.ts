import { and, eq, gte, ilike, inArray, lte, ne, or, type SQL } from 'drizzle-orm';
import { logs } from '../db/schema';
import { MailroomError } from '../errors';
import type { Condition, ConditionGroup } from '../schemas/logs';

const columns = {
  at: logs.at,
  source: logs.source,
  level: logs.level,
  message: logs.message,
  accountId: logs.accountId,
  actor: logs.actor,
} as const;

/** Escapes LIKE wildcards so "contains" matches the text literally. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function bad(path: string, message: string): MailroomError {
  return new MailroomError('validation_failed', `${path} ${message}`, { errors: [{ path, message }] });
}

function scalar(c: Condition, path: string): string | Date {
  if (Array.isArray(c.value)) throw bad(`${path}.value`, `must be a single value for "${c.op}"`);
  if (c.field === 'at') {
    const d = new Date(String(c.value));
    if (Number.isNaN(d.getTime())) throw bad(`${path}.value`, 'must be a date-time');
    return d;
  }
  return String(c.value);
}

/** Compiles one condition to SQL; values always travel as bound parameters, never spliced into the text. */
function compileCondition(c: Condition, path: string): SQL {
  const col = columns[c.field];
  switch (c.op) {
    case 'eq':
      return eq(col, scalar(c, path));
    case 'neq':
      return ne(col, scalar(c, path));
    case 'gte':
      return gte(col, scalar(c, path));
    case 'lte':
      return lte(col, scalar(c, path));
    case 'contains': {
      if (c.field === 'at') throw bad(`${path}.op`, '"contains" does not apply to at');
      return ilike(col, `%${likeEscape(String(scalar(c, path)))}%`);
    }
    case 'in': {
      if (!Array.isArray(c.value) || c.value.length === 0)
        throw bad(`${path}.value`, 'must be a non-empty list for "in"');
      const values = c.value.map((v) => scalar({ ...c, value: v }, path));
      return inArray(col, values as never[]);
    }
  }
}

/** Compiles an `all`/`any` condition tree (nested groups allowed) into one SQL predicate. */
export function compileConditions(group: ConditionGroup, path = 'filter'): SQL | undefined {
  const isAll = 'all' in group;
  const items = isAll ? group.all : group.any;
  const key = isAll ? 'all' : 'any';
  const parts = items
    .map((item, i) =>
      'field' in item
        ? compileCondition(item, `${path}.${key}.${i}`)
        : compileConditions(item, `${path}.${key}.${i}`),
    )
    .filter((p): p is SQL => p !== undefined);
  if (parts.length === 0) return undefined;
  return isAll ? and(...parts) : or(...parts);
}
