// The webhook dispatcher's database work alone, per delivery: the claim (one statement: lease + event;
// on PGlite no lease, a read)
// and the write of a successful attempt (one statement: attempt row + delivery state + endpoint mark), in
// batches, no HTTP. CPU microseconds per delivery of this process (PGlite runs in it) and, on Postgres, of
// the backend serving it: what the dispatcher costs beyond posting.
//
//   npx -y pnpm@10.34.9 --filter @mailroom/bench exec tsx webhooks-sql.ts [--events 5000 --batch 128 --only pglite,postgres]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWebhook, openDatabase } from '@mailroom/core';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { claimDeliveries } from '../packages/core/src/webhooks/claimDeliveries.ts';
import { releaseInFlight } from '../packages/core/src/webhooks/inFlight.ts';
import { defaultWebhookPolicy } from '../packages/core/src/webhooks/policy.ts';
import { recordAttempts } from '../packages/core/src/webhooks/recordAttempts.ts';
import { benchContext, storeBenchEvents } from './lib/webhook-events.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    events: { type: 'string', default: '5000' },
    batch: { type: 'string', default: '128' },
    only: { type: 'string', default: 'pglite,postgres' },
  },
});
const EVENTS = Number(args.events);
const BATCH = Number(args.batch);
const PG_URL = process.env.MAILROOM_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** User+system CPU microseconds of one process (Linux /proc; 10 ms ticks, summed over the run). */
function cpuOfPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

for (const kind of args.only.split(',')) {
  const dir = kind === 'pglite' ? mkdtempSync(join(os.tmpdir(), 'mailroom-bench-whsql-')) : '';
  const name = `mailroom_bench_whsql_${randomBytes(4).toString('hex')}`;
  const admin = kind === 'postgres' ? postgres(PG_URL, { max: 1, onnotice: () => {} }) : null;
  let url = '';
  if (admin) {
    await admin.unsafe(`create database ${name}`);
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  // One connection on Postgres, so one backend does all the work and its CPU is measured.
  const database = await openDatabase(kind === 'pglite' ? { dataDir: dir } : { url, poolSize: 1 });
  try {
    const { base, ctx } = benchContext(database);
    await createWebhook({ ctx, input: { url: 'http://127.0.0.1:9/hooks' } });
    await storeBenchEvents(ctx, EVENTS);
    const pidRows = kind === 'postgres' ? await ctx.db.execute(sql`select pg_backend_pid() as pid`) : [];
    const backend = Number((pidRows as unknown as Array<{ pid: number }>)[0]?.pid ?? 0);
    const backendCpu = () => (backend ? cpuOfPid(backend) : 0);
    const own = { claim: 0, write: 0 };
    const server = { claim: 0, write: 0 };
    let n = 0;
    const measure = async (what: 'claim' | 'write', f: () => Promise<unknown>) => {
      const c = process.cpuUsage();
      const b = backendCpu();
      await f();
      const used = process.cpuUsage(c);
      own[what] += used.user + used.system;
      server[what] += backendCpu() - b;
    };
    for (;;) {
      let rows: Awaited<ReturnType<typeof claimDeliveries>> = [];
      await measure('claim', async () => {
        rows = await claimDeliveries({ ctx, workerId: 'bench', limit: BATCH, leaseMs: 60_000, held: [] });
      });
      if (rows.length === 0) break;
      const at = new Date();
      const batch = rows.map((delivery) => ({
        delivery,
        attempt: {
          ok: true,
          at,
          durationMs: 1,
          statusCode: 204,
          errorCode: null,
          message: null,
          snippet: null,
        },
      }));
      await measure('write', async () => {
        await recordAttempts({ ctx, workerId: 'bench', batch, policy: defaultWebhookPolicy });
        // The embedded database holds claimed deliveries in memory, not by lease: the dispatcher lets go after the write.
        releaseInFlight(
          ctx.db,
          rows.map((r) => r.id),
        );
      });
      n += rows.length;
    }
    const per = (us: number) => (us / n).toFixed(0);
    console.log(
      `${kind}, ${n} deliveries in batches of ${BATCH}, CPU µs per delivery: this process claim ${per(own.claim)} + write ${per(own.write)}` +
        (backend ? `; postgres backend claim ${per(server.claim)} + write ${per(server.write)}` : ''),
    );
    await base.outbox.close();
  } finally {
    await database.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (admin) {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
}
