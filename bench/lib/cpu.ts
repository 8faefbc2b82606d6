// CPU seconds per process group on this machine (Linux /proc), to say where a run's time went.
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

/** Total user+system seconds of processes by command name (this process counted as "bench"). */
export function cpuByCommand(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const close = stat.lastIndexOf(')');
    const comm = Number(pid) === process.pid ? 'bench' : stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    out.set(comm, (out.get(comm) ?? 0) + ticks / TICK);
  }
  return out;
}

/** What each command used between two snapshots, biggest first (processes that ended are not counted). */
export function cpuSince(before: Map<string, number>, seconds: number): string {
  const after = cpuByCommand();
  return [...after]
    .map(([comm, s]) => [comm, s - (before.get(comm) ?? 0)] as const)
    .filter(([, s]) => s >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([comm, s]) => `${comm} ${Math.round((s / seconds) * 100)}%`)
    .join(', ');
}

/** Busy share of all CPUs since `before` (from /proc/stat), e.g. "87 % of 2 cores". */
export function machineBusy(): () => string {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  return () => {
    const b = read();
    return `${Math.round((1 - (b.idle - a.idle) / Math.max(1, b.total - a.total)) * 100)} % busy`;
  };
}
