import { hostname } from 'node:os';

/** A unique worker id: host, process and a random suffix, so leases name who holds them. */
export function newWorkerId(prefix = 'worker'): string {
  return `${prefix}:${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Who a worker writes as in the Main Log: its id, which names its role when `newWorkerId` made it
 * (`worker:host:pid:…`, `webhooks:host:pid:…`); an id given without the role gets it in front.
 */
export function workerLabel(role: string, workerId: string): string {
  return workerId.startsWith(`${role}:`) ? workerId : `${role}:${workerId}`;
}
