import { type SQL, sql } from 'drizzle-orm';
import type { Db, Queryable } from '../db/client';
import { rowsOf } from '../outbox/rows';

/**
 * The dispatcher's two statements on the embedded database, prepared once per database (SQL
 * `PREPARE`/`EXECUTE`). PGlite plans every unnamed statement anew, on the thread that also posts, and
 * planning these costs about as much as running them for a batch of 128 (2–3 ms a statement); a
 * prepared statement is planned once (after five executions Postgres keeps its generic plan, which for
 * the claim is also the ordered index scan that reads only the first due rows, not the whole backlog).
 * `EXECUTE` takes no bind parameters, so the values go as literals (`literal`). On Postgres the planning
 * runs in the server's backend, not on the posting thread, and the statements go unnamed (drizzle asks
 * postgres.js for a named statement only with `.prepare(name)`), each planned for its values.
 */
export type Prepared = {
  name: string;
  /** Parameter types, in order: `$1` is the first. */
  types: string[];
  /** The statement, with `$1`… for its parameters. */
  text: string;
};

type Value = string | number | null;

/** Per database and statement: being prepared (a promise), or whether it was. */
const ready = new WeakMap<object, Map<string, Promise<boolean> | boolean>>();

/** A SQL literal: only with `standard_conforming_strings` on (checked before any use), where `''` is the one escape. */
function literal(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a literal: ${v}`);
    return String(v);
  }
  return `'${v.replaceAll("'", "''")}'`;
}

/** The statement as drizzle SQL with bind parameters (where it is not prepared). */
export function asSql(p: Prepared, args: Value[]): SQL {
  const parts = p.text.split(/\$(\d+)\b/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => {
    if (i % 2 === 0) chunks.push(sql.raw(part));
    else chunks.push(sql`${args[Number(part) - 1]}::${sql.raw(p.types[Number(part) - 1] ?? 'text')}`);
  });
  return sql.join(chunks, sql.raw(''));
}

/** Per database and setting: whether it has the value asked (a promise while being asked). */
const settings = new WeakMap<object, Map<string, Promise<boolean>>>();

/**
 * Whether a server setting has this value on this database, asked once per database; a failed query is
 * asked again next time (it says nothing about the setting).
 */
export function settingIs(db: Db, name: string, value: string): Promise<boolean> {
  let byName = settings.get(db);
  if (!byName) {
    byName = new Map();
    settings.set(db, byName);
  }
  const key = `${name}=${value}`;
  let known = byName.get(key);
  if (!known) {
    known = db
      .execute(sql`select current_setting(${name}) as v`)
      .then((res) => rowsOf<{ v: string }>(res)[0]?.v === value)
      .catch(() => {
        byName?.delete(key);
        return false;
      });
    byName.set(key, known);
  }
  return known;
}

/** Whether `literal` may be used on this database: `''` is then the one escape in a string literal. */
export function literalsAreSafe(db: Db): Promise<boolean> {
  return settingIs(db, 'standard_conforming_strings', 'on');
}

/**
 * The statement's text with its values as typed literals, for a query of several statements in one
 * round trip (the simple protocol takes no bind parameters). Only where `literalsAreSafe`.
 */
export function withLiterals(p: Prepared, args: Value[]): string {
  return p.text.replace(/\$(\d+)\b/g, (_, n: string) => {
    const i = Number(n) - 1;
    return `${literal(args[i] ?? null)}::${p.types[i] ?? 'text'}`;
  });
}

/**
 * Prepares the statement on this database once (the embedded one has one session); false if it may not
 * be. Call it on the database itself, never inside a transaction: PGlite runs one thing at a time, so a
 * statement outside an open transaction waits for its end.
 */
export async function prepare(db: Db, p: Prepared): Promise<boolean> {
  let byName = ready.get(db);
  if (!byName) {
    byName = new Map();
    ready.set(db, byName);
  }
  const known = byName.get(p.name);
  if (known !== undefined) return known;
  const done = (async () => {
    if (!(await literalsAreSafe(db))) return false;
    await db.execute(sql.raw(`prepare ${p.name}(${p.types.join(', ')}) as ${p.text}`));
    return true;
  })().catch(() => false);
  byName.set(p.name, done);
  const ok = await done;
  byName.set(p.name, ok);
  return ok;
}

/**
 * Runs the statement on `q` (the database or a transaction on it): `EXECUTE` of the prepared statement
 * once `prepare` has succeeded on `db`, else the same statement with bind parameters. Inside a
 * transaction it never prepares (that would wait for the transaction itself): prepare first.
 */
export async function executePrepared(db: Db, q: Queryable, p: Prepared, args: Value[]): Promise<unknown> {
  const known = ready.get(db)?.get(p.name);
  const ok = q === db ? await prepare(db, p) : known === true;
  if (!ok) return q.execute(asSql(p, args));
  return q.execute(sql.raw(`execute ${p.name}(${args.map(literal).join(', ')})`));
}
