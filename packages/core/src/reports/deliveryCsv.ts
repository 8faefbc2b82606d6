import type { Ctx } from '../context';
import { csvLine } from './csv';
import { deliveryReport } from './deliveryReport';

const HEADER = [
  'day',
  'account_id',
  'account',
  'total',
  'sent',
  'partially_sent',
  'failed',
  'deferred',
  'queued',
  'cancelled',
  'bounced_recipients',
  'hard_bounced_recipients',
  'complained_recipients',
  'suppressed_recipients',
];

/** The delivery report as CSV: the same query and counts as `deliveryReport`, one line per row, totals last. */
export async function deliveryCsv({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<string> {
  const r = await deliveryReport({ ctx, input });
  const counts = (c: (typeof r)['totals']) => [
    c.total,
    c.sent,
    c.partiallySent,
    c.failed,
    c.deferred,
    c.queued,
    c.cancelled,
    c.bounced,
    c.hardBounced,
    c.complained,
    c.suppressed,
  ];
  let out = csvLine(HEADER);
  for (const row of r.rows) out += csvLine([row.day, row.accountId, row.accountName, ...counts(row)]);
  out += csvLine(['total', null, null, ...counts(r.totals)]);
  return out;
}
