// A team admin read every message sent through a system-level account, another team's included: the
// outbox let anything through an account of no team pass, whatever team the message was sent for. A
// message is its team's (`messages.teamId`: the send's teamId, else the account's, else the only team of
// the team admin or team token that sent it); a team admin reads their teams' messages and those of no
// team, never another team's, in the list, the detail, retry and cancel, /metrics and the delivery report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, queuedSmtp, startTarget, type Target, tokenClient } from './support/target';

describe("a team admin never reads another team's messages sent through a system account", () => {
  let t: Target;
  let teamA: string;
  let teamB: string;
  let adminA: Client;
  let adminB: Client;
  let system: string;
  const theirs: string[] = [];
  let shared: string;

  const send = async (client: Client, body: Record<string, unknown>) => {
    const r = await client.call('POST', '/api/v1/messages', {
      accountId: system,
      to: ['customer@example.net'],
      text: 'Hello',
      ...body,
    });
    expect(r.status, r.text).toBe(202);
    return r.body.id as string;
  };
  const listed = async (client: Client, query = '') =>
    (await client.call('GET', `/api/v1/messages?pageSize=100${query}`)).body.items.map(
      (m: { id: string }) => m.id,
    ) as string[];

  beforeAll(async () => {
    // No worker: queued messages stay queued, so cancel and the counts are stable.
    t = await startTarget({ MAILROOM_WORKER: 'false' });
    teamA = await t.team('A');
    teamB = await t.team('B');
    adminA = await t.client('team_admin', [teamA]);
    adminB = await t.client('team_admin', [teamB]);
    const r = await t.admin.call('POST', '/api/v1/accounts', {
      name: 'System relay',
      teamId: null,
      outgoing: queuedSmtp('relay@example.com'),
    });
    expect(r.status, r.text).toBe(201);
    system = r.body.id;
    theirs.push(await send(adminB, { teamId: teamB, subject: 'B payroll (B token, teamId)' }));
    theirs.push(await send(t.admin, { teamId: teamB, subject: 'B payroll (admin for B)' }));
    theirs.push(await send(adminB, { subject: 'B payroll (B token, no teamId)' }));
    shared = await send(t.admin, { subject: 'Everyone (admin, no team)' });
    // A send of B's to a suppressed address writes a Main Log row about it under the system account.
    const block = await t.admin.call('POST', '/api/v1/suppressions', { address: 'gone@example.net' });
    expect(block.status, block.text).toBe(201);
    const refused = await adminB.call('POST', '/api/v1/messages', {
      accountId: system,
      to: ['gone@example.net'],
      subject: 'B payroll (suppressed)',
      text: 'Hello',
    });
    expect(refused.status, refused.text).toBe(422);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the list, the team filter and the detail leave them out', async () => {
    const seen = await listed(adminA);
    for (const id of theirs) expect(seen).not.toContain(id);
    expect(seen).toContain(shared);
    expect(await listed(adminA, `&teamId=${teamB}`)).toEqual([]);
    expect(await listed(adminA, '&teamId=system')).toEqual([shared]);
    const search = await adminA.call('GET', '/api/v1/messages?q=payroll');
    expect(search.body.items).toEqual([]);
    for (const id of theirs) {
      expect((await adminA.call('GET', `/api/v1/messages/${id}`)).status).toBe(404);
    }
    // Their own team reads all three.
    const b = await listed(adminB);
    for (const id of theirs) expect(b).toContain(id);
  });

  it('the Main Log leaves out the rows about them', async () => {
    const b = await adminB.call('GET', '/api/v1/logs?pageSize=100');
    expect(b.text).toContain('every recipient is on the suppression list');
    const a = await adminA.call('GET', '/api/v1/logs?pageSize=100');
    expect(a.status, a.text).toBe(200);
    expect(a.text).not.toContain('every recipient is on the suppression list');
    expect(a.text).not.toContain('gone@example.net');
  });

  it('retry and cancel answer 404 and change nothing', async () => {
    for (const id of theirs) {
      expect((await adminA.call('POST', `/api/v1/messages/${id}/cancel`)).status).toBe(404);
      expect((await adminA.call('POST', `/api/v1/messages/${id}/retry`)).status).toBe(404);
    }
    for (const id of theirs) {
      expect((await t.admin.call('GET', `/api/v1/messages/${id}`)).body.status).toBe('queued');
    }
  });

  it('/metrics and the delivery report count only what the list shows', async () => {
    const m = await adminA.call('GET', '/metrics');
    const queued = m.text.split('\n').find((l) => l.startsWith('mailroom_messages{status="queued"}'));
    expect(queued).toBe('mailroom_messages{status="queued"} 1');
    const report = await adminA.call('GET', '/api/v1/reports/delivery?groupBy=account');
    expect(report.status, report.text).toBe(200);
    expect(report.body.totals.total).toBe(1);
    const mine = await adminB.call('GET', '/api/v1/reports/delivery?groupBy=account');
    expect(mine.body.totals.total).toBe(5);
  });

  it("an Idempotency-Key is the sending token's own: a token of the same name gets nothing of it", async () => {
    // Token names repeat, and a send's key was kept under the sender's label (`token:<name>`): a
    // same-named token of another team got a conflict, and one of an admin got the other's message back.
    const named = async (name: string, role: 'admin' | 'team_admin', teamIds: string[] = []) => {
      const r = await t.admin.call('POST', '/api/v1/tokens', { name, role, teamIds });
      expect(r.status, r.text).toBe(201);
      return tokenClient(t.url, r.body.token);
    };
    const body = { accountId: system, to: ['vip@b-client.example'], subject: 'B contract', text: 'Hello' };
    for (const [first, second] of [
      [await named('ci', 'team_admin', [teamB]), await named('ci', 'team_admin', [teamA])],
      [await named('ops', 'admin'), await named('ops', 'admin')],
    ] as const) {
      const key = { 'idempotency-key': 'order-1' };
      const theirs = await first.call('POST', '/api/v1/messages', body, key);
      expect(theirs.status, theirs.text).toBe(202);
      // The other token's send with the same key is its own new message.
      const mine = await second.call('POST', '/api/v1/messages', body, key);
      expect(mine.status, mine.text).toBe(202);
      expect(mine.body.id).not.toBe(theirs.body.id);
      // Each token repeating its request gets its own message back.
      expect((await first.call('POST', '/api/v1/messages', body, key)).body.id).toBe(theirs.body.id);
      expect((await second.call('POST', '/api/v1/messages', body, key)).body.id).toBe(mine.body.id);
    }
  });
});
