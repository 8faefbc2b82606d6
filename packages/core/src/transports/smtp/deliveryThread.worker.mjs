// The delivery thread: runs nodemailer's pooled SMTP transports off the main thread, so composing
// MIME and talking SMTP use the second core while the main thread serves the API and the database.
// Plain JavaScript on purpose: it loads the same way under Node, tsx and Vitest. It holds no
// policy: it sends what it is given and reports nodemailer's answer or error field by field.
//
// In:  arrays of { type: 'send', id, key, options?, mail } | { type: 'close', key }
// Out: arrays of { id, ok: true, info } | { id, ok: false, error }
import { parentPort } from 'node:worker_threads';
import nodemailer from 'nodemailer';

/** Pooled transporters by the main thread's key (a hash of the account's settings). */
const pools = new Map();
let results = [];
let flushing = false;

/** Answers go back in one message per turn of the event loop, however many finished in it. */
function answer(result) {
  results.push(result);
  if (flushing) return;
  flushing = true;
  setImmediate(() => {
    flushing = false;
    const out = results;
    results = [];
    parentPort.postMessage(out);
  });
}

/** The fields of a nodemailer error the main thread classifies by (Error objects lose them in a clone). */
function errorFields(err) {
  const e = err ?? {};
  const pick = (x) => ({
    message: typeof x.message === 'string' ? x.message : String(x),
    code: typeof x.code === 'string' ? x.code : undefined,
    originalCode: typeof x.originalCode === 'string' ? x.originalCode : undefined,
    response: typeof x.response === 'string' ? x.response : undefined,
    responseCode: typeof x.responseCode === 'number' ? x.responseCode : undefined,
    command: typeof x.command === 'string' ? x.command : undefined,
    recipient: typeof x.recipient === 'string' ? x.recipient : undefined,
  });
  return {
    ...pick(e),
    rejectedErrors: Array.isArray(e.rejectedErrors) ? e.rejectedErrors.map(pick) : undefined,
  };
}

function send({ id, key, options, mail }) {
  let transporter = pools.get(key);
  if (!transporter) {
    if (!options) {
      answer({
        id,
        ok: false,
        error: { message: 'The delivery thread has no pool for this account', code: 'ETHREAD' },
      });
      return;
    }
    transporter = nodemailer.createTransport(options);
    pools.set(key, transporter);
  }
  transporter.sendMail(mail).then(
    (info) =>
      answer({
        id,
        ok: true,
        info: {
          accepted: (info.accepted ?? []).map((a) => (typeof a === 'string' ? a : a.address)),
          rejected: (info.rejected ?? []).map((a) => (typeof a === 'string' ? a : a.address)),
          rejectedErrors: (info.rejectedErrors ?? []).map((e) => errorFields(e)),
          response: info.response,
        },
      }),
    (err) => answer({ id, ok: false, error: errorFields(err) }),
  );
}

parentPort.on('message', (batch) => {
  for (const job of batch) {
    // One bad job (options nodemailer refuses, say) fails alone; the thread and its pools go on.
    try {
      if (job.type === 'send') send(job);
      else if (job.type === 'close') {
        pools.get(job.key)?.close();
        pools.delete(job.key);
      }
    } catch (err) {
      if (job.type === 'send') answer({ id: job.id, ok: false, error: errorFields(err) });
    }
  }
});
