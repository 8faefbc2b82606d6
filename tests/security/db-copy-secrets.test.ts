// `mailroom db copy` prints where it copies to: a password given in the URL's query string
// (`?password=`, which the Postgres drivers take as the password) must be masked like the one before the @.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnv } from '@mailroom/api';
import { afterEach, describe, expect, it } from 'vitest';
import { runDbCopy } from '../../apps/api/src/dbCopy';

describe('db copy never prints a password', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('masks the password in the user part and in the query string', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mailroom-dbcopy-'));
    mkdirSync(join(dir, 'pglite'));
    const lines: string[] = [];
    await runDbCopy(
      readEnv({ MAILROOM_DATA_DIR: dir }),
      ['--to', 'postgres://mailroom:userinfo-pw@127.0.0.1:1/mailroom?password=query-pw&sslpassword=key-pw'],
      (l) => lines.push(l),
    );
    const printed = lines.join('\n');
    expect(printed).toContain('127.0.0.1');
    expect(printed).not.toContain('userinfo-pw');
    expect(printed).not.toContain('query-pw');
    expect(printed).not.toContain('key-pw');
  });
});
