// Finding 8 of the security audit (/metrics): a team admin read every team's account and message
// counts. The numbers /metrics gives must be the numbers the caller could count in the lists they may
// read: a team admin sees system-level accounts and their own teams', never another team's.
import { afterEach, expect, it } from 'vitest';
import { type Client, queuedSmtp, startTarget, type Target } from './support/target';

let target: Target | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

async function account(t: Target, name: string, teamId: string | null) {
  const r = await t.admin.call('POST', '/api/v1/accounts', {
    name,
    teamId,
    outgoing: queuedSmtp(`${name.toLowerCase().replace(/\W+/g, '-')}@example.com`),
  });
  expect(r.status, r.text).toBe(201);
  return r.body.id as string;
}

async function queue(t: Target, accountId: string, count: number) {
  for (let i = 0; i < count; i++) {
    const r = await t.admin.call('POST', '/api/v1/messages', {
      accountId,
      to: ['customer@example.net'],
      subject: `Hello ${i}`,
      text: 'Hello',
    });
    expect(r.status, r.text).toBe(202);
  }
}

/** The sum of one metric's samples, or 0 when it has none. */
async function metric(client: Client, name: string): Promise<number> {
  const r = await client.call('GET', '/metrics');
  expect(r.status, r.text).toBe(200);
  return r.text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

const listed = async (client: Client, path: string) => (await client.call('GET', path)).body.total as number;

it("gives a team admin their teams' and system-level counts only, never another team's", async () => {
  // No worker: queued messages stay queued, so the counts cannot move during the test.
  const t = await startTarget({ MAILROOM_WORKER: 'false' });
  target = t;
  const ours = await t.team('Ours');
  const theirs = await t.team('Theirs');
  await queue(t, await account(t, 'System', null), 1);
  await queue(t, await account(t, 'Ours one', ours), 2);
  const theirsOne = await account(t, 'Theirs one', theirs);
  await account(t, 'Theirs two', theirs);
  await account(t, 'Theirs three', theirs);
  await queue(t, theirsOne, 4);

  const teamAdmin = await t.client('team_admin', [ours]);
  expect(await metric(teamAdmin, 'mailroom_accounts')).toBe(2);
  expect(await metric(teamAdmin, 'mailroom_messages')).toBe(3);
  // Exactly what the lists show the same token.
  expect(await metric(teamAdmin, 'mailroom_accounts')).toBe(await listed(teamAdmin, '/api/v1/accounts'));
  expect(await metric(teamAdmin, 'mailroom_messages')).toBe(await listed(teamAdmin, '/api/v1/messages'));

  // A team admin of the other team sees theirs, and no more.
  const other = await t.client('team_admin', [theirs]);
  expect(await metric(other, 'mailroom_accounts')).toBe(4);
  expect(await metric(other, 'mailroom_messages')).toBe(5);

  // Admins and viewers read every account and message: their metrics count everything.
  for (const client of [t.admin, await t.client('viewer')]) {
    expect(await metric(client, 'mailroom_accounts')).toBe(5);
    expect(await metric(client, 'mailroom_messages')).toBe(7);
  }
});
