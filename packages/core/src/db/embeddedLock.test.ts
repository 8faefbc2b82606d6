import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './client';

describe('the embedded database on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'mailroom-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('opens in one process at a time, takes over the lock of a process that is gone, and lets go at close', async () => {
    const dataDir = join(root, 'pglite');
    const lock = `${dataDir}.lock`;
    const first = await openDatabase({ dataDir });
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
    // A second opening while the first is open is refused before anything is written.
    await expect(openDatabase({ dataDir })).rejects.toThrow(/in use by process \d+ \(this one\)/);
    await first.close();
    expect(existsSync(lock)).toBe(false);

    // Another live process holds it: refused, naming it.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(lock, `${other.pid}\n`);
      await expect(openDatabase({ dataDir })).rejects.toThrow(`in use by process ${other.pid}`);
    } finally {
      const gone = new Promise((resolve) => other.once('exit', resolve));
      other.kill('SIGKILL');
      await gone;
    }
    // That process is gone (killed): its lock is taken over, and the database opens with its rows.
    const again = await openDatabase({ dataDir });
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
    await again.close();
    expect(existsSync(lock)).toBe(false);
  });
});
