import { Worker } from 'node:worker_threads';
import type { NodemailerError } from 'nodemailer/lib/errors';
import type Mail from 'nodemailer/lib/mailer';

/** What nodemailer answered, as the thread reports it (plain fields: Error objects do not cross threads intact). */
type WireInfo = {
  accepted: string[];
  rejected: string[];
  rejectedErrors: ThreadError[];
  response?: string;
};

/** nodemailer's answer on this side, per-recipient errors rebuilt as Errors carrying nodemailer's fields. */
export type ThreadInfo = Omit<WireInfo, 'rejectedErrors'> & { rejectedErrors: NodemailerError[] };

/** A nodemailer error's fields, rebuilt into an Error on this side so classification reads them as before. */
export type ThreadError = {
  message: string;
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  recipient?: string;
  rejectedErrors?: ThreadError[];
};

type Job =
  | { type: 'send'; id: number; key: string; options?: object; mail: Mail.Options }
  | { type: 'close'; key: string };
type Answer = { id: number; ok: true; info: WireInfo } | { id: number; ok: false; error: ThreadError };

function toError(fields: ThreadError): NodemailerError {
  const err = new Error(fields.message) as NodemailerError;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || k === 'message') continue;
    (err as unknown as Record<string, unknown>)[k] =
      k === 'rejectedErrors' ? (v as ThreadError[]).map(toError) : v;
  }
  return err;
}

/**
 * The main thread's side of the delivery thread (`deliveryThread.worker.mjs`): nodemailer's pooled
 * SMTP transports run there, on their own core. Jobs and answers travel in batches, one message per
 * turn of the event loop each way. If the thread dies, every send in flight fails as a temporary
 * error that does not count against the account (the outbox defers and retries it) and the next
 * send starts a new thread.
 */
export class DeliveryThread {
  private worker: Worker | null = null;
  /** Pool keys the current thread has options for. */
  private known = new Set<string>();
  private pending = new Map<number, { resolve: (i: ThreadInfo) => void; reject: (e: Error) => void }>();
  private queue: Job[] = [];
  private scheduled = false;
  private nextId = 1;

  /** Sends one message through the thread's pool `key`, created from `options` on first use. */
  send(key: string, options: object, mail: Mail.Options): Promise<ThreadInfo> {
    const worker = this.start();
    const id = this.nextId++;
    const first = !this.known.has(key);
    this.known.add(key);
    const answer = new Promise<ThreadInfo>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // Hold the process open while answers are owed (the thread is unref'd when idle).
    if (this.pending.size === 1) worker.ref();
    this.post({ type: 'send', id, key, ...(first ? { options } : {}), mail });
    return answer;
  }

  /** Closes one pool's connections in the thread. */
  close(key: string): void {
    if (!this.worker || !this.known.delete(key)) return;
    this.post({ type: 'close', key });
  }

  /** Ends the thread; sends still in flight fail as temporary errors. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.forget(worker, new Error('The delivery thread was stopped'));
    await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./deliveryThread.worker.mjs', import.meta.url), {
      name: 'mailroom-delivery',
      // Plain JavaScript: it needs none of the process's loaders or preloads (tsx, --import …).
      execArgv: [],
    });
    worker.unref();
    worker.on('message', (answers: Answer[]) => {
      for (const a of answers) {
        const p = this.pending.get(a.id);
        if (!p) continue;
        this.pending.delete(a.id);
        if (a.ok) p.resolve({ ...a.info, rejectedErrors: a.info.rejectedErrors.map(toError) });
        else p.reject(toError(a.error));
      }
      if (this.pending.size === 0 && this.worker === worker) worker.unref();
    });
    const died = (err: Error) => this.forget(worker, err);
    worker.on('error', (err) => died(new Error(`The delivery thread failed: ${err.message}`)));
    worker.on('exit', (code) => died(new Error(`The delivery thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Drops a thread that ended: its pools are gone and its sends in flight will never be answered. */
  private forget(worker: Worker, reason: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.known.clear();
    this.queue = [];
    const owed = [...this.pending.values()];
    this.pending.clear();
    // ETHREAD: our failure, not the account's; classified temporary and kept out of the breaker.
    for (const p of owed) p.reject(Object.assign(reason, { code: 'ETHREAD' }));
  }

  private post(job: Job): void {
    this.queue.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const jobs = this.queue;
      this.queue = [];
      if (jobs.length > 0) this.worker?.postMessage(jobs);
    });
  }
}
