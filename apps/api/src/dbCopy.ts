import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CopyRefused, copyDatabase, openDatabase } from '@mailroom/core';
import type { Env } from './env';

/** Query parameters the Postgres drivers take as a password or a key's passphrase. */
const SECRET_PARAMS = /pass|secret|key|token/i;

/** The URL as it may be printed: without its password, in the user part or the query string. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const name of [...u.searchParams.keys()]) {
      if (SECRET_PARAMS.test(name)) u.searchParams.set(name, '***');
    }
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** `--to <url>`, `--to=<url>` and `--force` from the words after `db copy`. */
export function parseCopyArgs(args: string[]): { to: string | undefined; force: boolean } {
  let to: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--to') to = args[++i];
    else if (a.startsWith('--to=')) to = a.slice('--to='.length);
  }
  return { to, force: args.includes('--force') };
}

/**
 * `mailroom db copy --to postgres://… [--force]`: copies the embedded database of the data directory into
 * an empty Postgres database (migrated first, by the same migrations), checks the row counts and says
 * what to set next. Mailroom must be stopped (only one process may open the embedded database). Never
 * prints a secret: it says where the key is, not what it is. Returns the exit code.
 */
export async function runDbCopy(
  env: Env,
  args: string[],
  out: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  const { to, force } = parseCopyArgs(args);
  if (!to || !/^postgres(ql)?:\/\//.test(to)) {
    out('Usage: mailroom db copy --to postgres://user:password@host:5432/database [--force]');
    return 2;
  }
  const dataDir = resolve(env.MAILROOM_DATA_DIR);
  const pgliteDir = join(dataDir, 'pglite');
  if (!existsSync(pgliteDir)) {
    out(`No embedded database in ${pgliteDir} (MAILROOM_DATA_DIR=${env.MAILROOM_DATA_DIR}).`);
    return 1;
  }
  out(`Copying the embedded database in ${pgliteDir}`);
  out(`  into ${shownUrl(to)} (migrated first)`);
  const source = await openDatabase({ dataDir: pgliteDir });
  let target: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    target = await openDatabase({ url: to, poolSize: 2 });
    const report = await copyDatabase({
      from: source.db,
      to: target.db,
      force,
      onTable: (t) => out(`  ${t.table.padEnd(26)} ${String(t.target).padStart(9)} rows`),
    });
    const rows = report.tables.reduce((n, t) => n + t.target, 0);
    out(`Verified: ${report.tables.length} tables, ${rows} rows, the same counts on both sides.`);
    if (report.unknownTables.length > 0) {
      out(`Not copied (not Mailroom tables): ${report.unknownTables.join(', ')}`);
    }
    out('');
    out('Next, for every Mailroom process (API and workers):');
    out(`  MAILROOM_DATABASE_URL=${shownUrl(to)}   (the URL given to --to, password included)`);
    const keyFile = join(dataDir, 'secret.key');
    if (env.MAILROOM_SECRET_KEY) {
      out('  MAILROOM_SECRET_KEY: keep the value it has now: the copied secrets are encrypted under it.');
    } else if (existsSync(keyFile)) {
      out(`  MAILROOM_SECRET_KEY: the contents of ${keyFile}, e.g. MAILROOM_SECRET_KEY="$(cat ${keyFile})"`);
      out('    The copied secrets are encrypted under that key; every process needs the same one.');
    } else {
      out(
        `  MAILROOM_SECRET_KEY: no key file in ${dataDir}: no secrets were stored yet; choose one key for all processes.`,
      );
    }
    out('Keep the data directory until Mailroom runs on Postgres: it is the original.');
    return 0;
  } catch (err) {
    if (err instanceof CopyRefused) {
      out(`Refused: ${err.message}`);
      return 1;
    }
    // Postgres errors can carry parameters (ciphertexts, hashes): print the message only.
    out(`Copy failed, nothing was written: ${String((err as Error).message).split('\nparams:')[0]}`);
    return 1;
  } finally {
    await target?.close();
    await source.close();
  }
}
