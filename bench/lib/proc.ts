import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** A free loopback TCP port (closed again; the caller binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something answers on the port (a greeting line for SMTP). */
export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('data', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.setTimeout(1000, () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answered on port ${port} within ${timeoutMs} ms`);
}

function descendants(pid: number): number[] {
  const out = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(/\s+/).map(Number) : []) out.push(...descendants(child));
    }
  } catch {
    // the process is gone
  }
  return out;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

// Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every common architecture.
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) used so far by a process and its descendants, in milliseconds. */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of descendants(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    } catch {
      // the process is gone
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Resident memory of a process and its descendants, in MiB: current and peak (VmHWM). */
export function memory(pid: number): { rssMiB: number; peakMiB: number } {
  const pids = descendants(pid);
  const sum = (field: 'VmRSS' | 'VmHWM') => pids.reduce((total, p) => total + statusKb(p, field), 0) / 1024;
  return { rssMiB: sum('VmRSS'), peakMiB: sum('VmHWM') };
}

/** Spawns a server process and waits for its SMTP port to greet. */
export async function startServer(command: string, args: string[], smtpPort: number): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${stderr.slice(-2000)}`))),
  );
  await Promise.race([waitForPort(smtpPort), exited]);
  return child;
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

/** Runs postfix's smtp-source and resolves with the wall time in seconds. */
export function smtpSource(
  port: number,
  opts: { sessions: number; messages: number; size: number; reuse: boolean; timeoutMs: number },
): Promise<number> {
  const args = ['-s', String(opts.sessions), '-m', String(opts.messages), '-l', String(opts.size)];
  if (opts.reuse) args.push('-d');
  args.push('-f', 'sender@bench.test', '-t', 'rcpt@bench.test', `127.0.0.1:${port}`);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('/usr/sbin/smtp-source', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (signal) reject(new Error(`smtp-source timed out after ${opts.timeoutMs} ms`));
      else if (code !== 0 || stderr.trim())
        reject(new Error(`smtp-source failed (${code}): ${stderr.slice(0, 500)}`));
      else resolve(seconds);
    });
  });
}
