// normalizePem runs on every pasted DKIM key (POST/PATCH /accounts, up to 10,000 characters, any account
// editor). The attack: a "key" of whitespace between a BEGIN line and no END line made its regular
// expression backtrack for hours, holding the event loop (API, worker and pollers share the process).
// The function runs in a worker here, so a hang fails the test instead of holding the test runner.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { normalizePem } from './settings';

/** normalizePem(input) in a worker thread; null when it has not answered within `boundMs`. */
function inWorker(input: string, boundMs: number): Promise<string | null> {
  const source = `const { parentPort, workerData } = require('node:worker_threads');
const normalizePem = ${normalizePem.toString()};
parentPort.postMessage(normalizePem(workerData));`;
  const worker = new Worker(source, { eval: true, workerData: input });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve(null);
    }, boundMs);
    worker.once('message', (out: string) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(out);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe('normalizePem', () => {
  it('folds a one-line key back into PEM lines, leaves anything else as given (trimmed)', () => {
    const body = 'A'.repeat(100);
    expect(normalizePem(`  -----BEGIN PRIVATE KEY----- ${body} -----END PRIVATE KEY-----  `)).toBe(
      `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(64)}\n${'A'.repeat(36)}\n-----END PRIVATE KEY-----\n`,
    );
    expect(normalizePem('-----BEGIN PRIVATE KEY-----\r\nAB\r\nCD\r\n-----END PRIVATE KEY-----\r\n')).toBe(
      '-----BEGIN PRIVATE KEY-----\nABCD\n-----END PRIVATE KEY-----\n',
    );
    expect(normalizePem('not a key')).toBe('not a key');
    expect(normalizePem('-----BEGIN PRIVATE KEY-----\nAB!\n-----END PRIVATE KEY-----')).toBe(
      '-----BEGIN PRIVATE KEY-----\nAB!\n-----END PRIVATE KEY-----',
    );
  });

  it('answers at once for the longest accepted input of whitespace after a BEGIN line (no backtracking)', async () => {
    for (const filler of [' ', '\n', ' A', 'A ']) {
      const attack = `-----BEGIN PRIVATE KEY-----${filler.repeat(Math.floor(9950 / filler.length))}!`;
      // A generous bound: the linear version answers in well under a millisecond, the backtracking one
      // took seconds for 2,000 characters and grows with the cube of the length.
      const out = await inWorker(attack, 60_000);
      expect(out, `normalizePem hung on ${JSON.stringify(filler)} × ${attack.length}`).not.toBeNull();
    }
  }, 300_000);
});
