import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts';
import { messages } from '../db/schema';
import { newId } from '../ids';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { accountsCsv, csvCell, deliveryCsv, deliveryReport } from '.';

describe.each(backends)('reports on %s', (backend) => {
  let env: TestEnv;
  let accountId: string;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    const acc = await createAccount({
      ctx: env.ctx,
      input: {
        name: '=cmd|calc, "quoted"',
        outgoing: {
          transport: 'smtp',
          host: 'smtp.example.com',
          auth: { method: 'password', username: 'u', password: 'report-secret-pw' },
          from: { address: 'ops@example.com' },
        },
      },
    });
    accountId = acc.id;
    const row = (status: 'sent' | 'partially_sent' | 'failed' | 'deferred', createdAt: string) => ({
      id: newId(),
      accountId,
      status,
      mode: 'queued' as const,
      routeReason: 'account_id',
      fromAddress: 'ops@example.com',
      to: ['x@example.net'],
      subject: 's',
      createdAt: new Date(createdAt),
    });
    await env.database.db
      .insert(messages)
      .values([
        row('sent', '2026-03-01T10:00:00Z'),
        row('sent', '2026-03-01T23:59:00Z'),
        row('failed', '2026-03-02T08:00:00Z'),
        row('deferred', '2026-03-05T08:00:00Z'),
        row('partially_sent', '2026-03-02T09:00:00Z'),
      ]);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('counts deliveries per account and day', async () => {
    const r = await deliveryReport({ ctx: env.ctx, input: { from: '2026-03-01', to: '2026-03-03' } });
    expect(r.rows).toEqual([
      expect.objectContaining({
        day: '2026-03-01',
        accountId,
        sent: 2,
        partiallySent: 0,
        failed: 0,
        total: 2,
      }),
      expect.objectContaining({
        day: '2026-03-02',
        accountId,
        sent: 0,
        partiallySent: 1,
        failed: 1,
        total: 2,
      }),
    ]);
    // A partially sent message is neither sent nor failed: counted apart.
    expect(r.totals).toMatchObject({ total: 4, sent: 2, partiallySent: 1, failed: 1 });
    const byAccount = await deliveryReport({
      ctx: env.ctx,
      input: { from: '2026-03-01', to: '2026-03-31', groupBy: 'account' },
    });
    expect(byAccount.rows).toEqual([
      expect.objectContaining({ day: null, accountId, total: 5, deferred: 1, partiallySent: 1 }),
    ]);
  });

  it('exports the delivery report as CSV with partially sent messages in their own column', async () => {
    const csv = await deliveryCsv({ ctx: env.ctx, input: { from: '2026-03-01', to: '2026-03-03' } });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'day,account_id,account,total,sent,partially_sent,failed,deferred,queued,cancelled,bounced_recipients,hard_bounced_recipients,complained_recipients,suppressed_recipients',
    );
    expect(lines[2]).toBe(`2026-03-02,${accountId},"'=cmd|calc, ""quoted""",2,0,1,1,0,0,0,0,0,0,0`);
    expect(lines.at(-1)).toBe('total,,,4,2,1,1,0,0,0,0,0,0,0');
  });

  it('rejects a reversed range naming the field', async () => {
    await expect(
      deliveryReport({ ctx: env.ctx, input: { from: '2026-03-05', to: '2026-03-01' } }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'from' }],
    });
  });

  it('exports accounts as CSV without secrets and with formulas defused', async () => {
    const csv = await accountsCsv({ ctx: env.ctx });
    const [header, line] = csv.split('\r\n');
    expect(header).toContain('name,label,purpose,team,stage,health');
    expect(line).toContain(`"'=cmd|calc, ""quoted"""`);
    expect(line).toContain('smtp.example.com');
    expect(csv).not.toContain('report-secret-pw');
    expect(csvCell('+1')).toBe("'+1");
  });
});
