import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Whether a process with this id runs (a zombie, killed and not yet reaped, does not). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): the signal said it exists
  }
}

/**
 * Holds the embedded database's directory for this process: `<dataDir>.lock` with the process id, made
 * with exclusive create. PGlite is one process's database; a second process on the same directory would
 * write the same files (and release the leases of the live one at start-up, as belonging to a dead
 * process), corrupting it. A lock whose process is gone (a crash, `kill -9`) is taken over. Returns the
 * release, which removes the file if it is still this process's (also at exit).
 */
export function lockEmbeddedDatabase(dataDir: string): () => void {
  const path = `${dataDir.replace(/[/\\]+$/, '')}.lock`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = 0;
      try {
        holder = Number(readFileSync(path, 'utf8').trim());
      } catch {
        // removed meanwhile: try again
      }
      if (holder > 0 && (holder === process.pid || running(holder))) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${holder}${holder === process.pid ? ' (this one)' : ''}: ` +
            `one process at a time can open it. Stop that process first (or, for several processes, use Postgres: MAILROOM_DATABASE_URL). ` +
            `If no Mailroom process runs, remove ${path}.`,
        );
      }
      rmSync(path, { force: true }); // left by a process that is gone
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      try {
        if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
      } catch {
        // already gone
      }
    };
    process.on('exit', release);
    return release;
  }
  throw new Error(`The embedded database in ${dataDir} could not be locked (${path} keeps changing)`);
}
