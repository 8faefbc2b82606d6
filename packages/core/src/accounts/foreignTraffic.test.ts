import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { createAccount } from './createAccount';
import { getAccount } from './getAccount';
import { listAccounts } from './listAccounts';

/**
 * A system-level account's last send and last failed send name the message and quote the server's reply:
 * when that message is another team's (sent through the shared account), a team admin reading the account
 * saw its id and the reply, the refused recipient's address with it. They keep when and how it went.
 */
describe.each(backends)("a shared account's last sends on %s", (backend) => {
  let env: TestEnv;
  let sys: string;
  beforeAll(async () => {
    env = await createTestEnv(backend);
    const db = env.database.db;
    await db.execute(sql`insert into teams (id, name) values ('t1', 'Sales'), ('t2', 'Support')`);
    const created = await createAccount({
      ctx: env.ctx,
      input: {
        name: 'Shared relay',
        outgoing: {
          transport: 'smtp',
          host: 'smtp.example.com',
          port: 587,
          security: 'starttls',
          auth: { method: 'none' },
          from: { address: 'relay@example.com' },
        },
      },
    });
    sys = created.id;
    await db.execute(sql`
      insert into messages (id, account_id, team_id, status, mode, route_reason, from_address, "to", subject)
      values ('m-sales', ${sys}, 't1', 'failed', 'queued', 'default', 'relay@example.com', '["ceo@sales-client.example"]', 'S'),
             ('m-sales-ok', ${sys}, 't1', 'sent', 'queued', 'default', 'relay@example.com', '["cfo@sales-client.example"]', 'S')`);
    await db.execute(sql`
      insert into account_traffic (account_id, direction, ok, at, error_code, response_code, reply, summary, detail, message_id)
      values (${sys}, 'outgoing', false, now(), 'rejected', 550, '550 5.1.1 <ceo@sales-client.example>: unknown',
              'The server refused <ceo@sales-client.example>', 'ceo@sales-client.example', 'm-sales'),
             (${sys}, 'outgoing', true, now(), null, 250, '250 2.0.0 queued for cfo@sales-client.example',
              '1 recipient accepted', null, 'm-sales-ok')`);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a team admin of another team reads when and how, not the message or the reply', async () => {
    const support = env.as({ role: 'team_admin', teamIds: ['t2'] });
    const one = await getAccount({ ctx: support, id: sys });
    const [listed] = (await listAccounts({ ctx: support, input: {} })).items.filter((a) => a.id === sys);
    for (const view of [one, listed!]) {
      const text = JSON.stringify(view);
      expect(text).not.toContain('sales-client.example');
      expect(text).not.toContain('m-sales');
      expect(view.sending?.lastFailed).toMatchObject({
        errorCode: 'rejected',
        responseCode: 550,
        messageId: null,
      });
      expect(view.sending?.lastOk).toMatchObject({ responseCode: 250, messageId: null });
    }
    // Sales (the message's team) and admins read it all.
    for (const ctx of [env.as({ role: 'team_admin', teamIds: ['t1'] }), env.ctx]) {
      const view = await getAccount({ ctx, id: sys });
      expect(view.sending?.lastFailed).toMatchObject({
        messageId: 'm-sales',
        reply: expect.stringContaining('ceo@'),
      });
      expect(view.sending?.lastOk?.messageId).toBe('m-sales-ok');
    }
  });
});
