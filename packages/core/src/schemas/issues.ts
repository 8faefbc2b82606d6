import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * zod's own English messages ("Invalid input: expected array, received string", "Too small: …"). Ours are
 * written to follow the field's name ("must be …", "is required") and are kept as they are.
 */
const ZOD_DEFAULT = /^(Invalid|Too small|Too big|Unrecognized key)/;

const kinds: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
  null: 'null',
};
const kind = (expected: string) => kinds[expected] ?? `a value of type ${expected}`;
const plural = (n: number | bigint, one: string) => `${n} ${one}${Number(n) === 1 ? '' : 's'}`;
const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

const formats: Record<string, string> = {
  email: 'must be a valid email address',
  url: 'must be a valid URL',
  uuid: 'must be a UUID',
  datetime: 'must be a date and time (ISO 8601, e.g. 2026-01-31T09:00:00Z)',
  date: 'must be a date (YYYY-MM-DD)',
  regex: 'is not in the expected format',
};

/** One issue's message, worded to follow its field's path: "to: must be a list". */
export function issueMessage(issue: Issue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      // zod names what it got; nothing at all is a missing field.
      return /received undefined$/.test(issue.message) ? 'is required' : `must be ${kind(issue.expected)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${quoted(issue.values)}`
        : `must be one of ${quoted(issue.values)}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options?.length) return `must be one of ${quoted(options)}`;
      // What each form wanted of the value itself: "must be "all"" and "must be a list" → "must be "all", or a list".
      const wants = unionBranches(issue).map((branch) => {
        const top = branch.find((i) => i.path.length === 0);
        return top ? issueMessage(top) : undefined;
      });
      return wants.length > 1 && wants.every((w) => w?.startsWith('must be '))
        ? `must be ${wants.map((w) => w!.slice('must be '.length)).join(', or ')}`
        : 'does not match any accepted form';
    }
    case 'too_small': {
      const n = issue.minimum;
      if (issue.origin === 'string')
        return Number(n) <= 1 ? 'must not be empty' : `must be at least ${plural(n, 'character')} long`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `must have at least ${plural(n, 'item')}`;
      return issue.inclusive ? `must be at least ${n}` : `must be greater than ${n}`;
    }
    case 'too_big': {
      const n = issue.maximum;
      if (issue.origin === 'string') return `must be at most ${plural(n, 'character')} long`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${plural(n, 'item')}`;
      return issue.inclusive ? `must be at most ${n}` : `must be less than ${n}`;
    }
    case 'invalid_format':
      return formats[issue.format] ?? `must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      return 'is not a known field';
    default:
      return issue.message;
  }
}

/** The issues each form of a union found, one list per form (zod 4 keeps them on the union's issue). */
const unionBranches = (issue: Issue): Issue[][] => (issue as { errors?: Issue[][] }).errors ?? [];

/**
 * A zod error as field errors a form attaches to its fields: dotted paths, readable messages, and one
 * entry per unknown field (at that field's path, rather than one at the object's). A union whose value
 * took one form's shape but failed inside it (a list with one unknown item) reports that form's issues,
 * at their own paths, rather than "does not match".
 */
export function readableIssues(issues: readonly Issue[]): Array<{ path: string[]; message: string }> {
  return issues.flatMap((issue): Array<{ path: string[]; message: string }> => {
    if (issue.code === 'invalid_union') {
      const inside = unionBranches(issue).filter((b) => b.length > 0 && b.every((i) => i.path.length > 0));
      if (inside.length === 1)
        return readableIssues(inside[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue));
    }
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: [...path, key], message: 'is not a known field' }));
    return [{ path, message: issueMessage(issue) }];
  });
}
