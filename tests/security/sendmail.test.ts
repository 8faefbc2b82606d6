// Finding 3 of the security audit: a team admin could make the server run any program by naming it as
// the sendmail path (`/usr/bin/curl` ran with the recipients as arguments). After: only programs the
// operator lists in MAILROOM_SENDMAIL_PATHS run, only full admins choose sendmail, and recipients come
// after `--`.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tables } from '@mailroom/core';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './support/target';

let dir: string;
let allowed: string;
let rogue: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mailroom-sendmail-attack-'));
  // The operator's sendmail: records its arguments and the message.
  allowed = join(dir, 'sendmail');
  writeFileSync(allowed, `#!/bin/sh\necho "$@" > ${dir}/args\ncat > ${dir}/message\n`);
  chmodSync(allowed, 0o755);
  // The attacker's program: any executable on the server, proven run by the file it leaves.
  rogue = join(dir, 'rogue');
  writeFileSync(rogue, `#!/bin/sh\ntouch ${dir}/pwned\ncat > /dev/null\n`);
  chmodSync(rogue, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let target: Target | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
  rmSync(join(dir, 'pwned'), { force: true });
});

const sendmailAccount = (path: string, teamId: string | null = null) => ({
  name: `sendmail ${Math.random().toString(36).slice(2, 8)}`,
  teamId,
  outgoing: { transport: 'sendmail', path, from: { address: 'app@example.com' }, sendMode: 'immediate' },
});

describe('the sendmail transport runs only what the operator allowed', () => {
  it('refuses a team admin who names any program, even an allowed one', async () => {
    target = await startTarget({ MAILROOM_SENDMAIL_PATHS: allowed });
    const team = await target.team();
    const teamAdmin = await target.client('team_admin', [team]);
    for (const path of ['/usr/bin/curl', rogue, allowed]) {
      const r = await teamAdmin.call('POST', '/api/v1/accounts', sendmailAccount(path, team));
      expect(r.status, r.text).toBe(403);
      expect(r.body.detail).toContain('Only admins');
    }
  });

  it('refuses an admin who names a program the operator did not list, naming outgoing.path', async () => {
    target = await startTarget({ MAILROOM_SENDMAIL_PATHS: allowed });
    // The allowed program itself, spelled another way, is another path: only the operator's spelling runs.
    const spellings = [
      `${dir}//sendmail`,
      `${dir}/./sendmail`,
      `${dir}/sendmail/`,
      `${dir}/../${dir.split('/').pop()}/sendmail`,
      allowed.toUpperCase(),
    ];
    for (const path of ['/usr/bin/curl', rogue, `${dir}/../${dir.split('/').pop()}/rogue`, ...spellings]) {
      const r = await target.admin.call('POST', '/api/v1/accounts', sendmailAccount(path));
      expect(r.status, r.text).toBe(400);
      expect(r.body.errors).toEqual([
        { path: 'outgoing.path', message: expect.stringContaining('MAILROOM_SENDMAIL_PATHS') },
      ]);
    }
  });

  it('a team admin cannot point an existing sendmail account elsewhere', async () => {
    target = await startTarget({ MAILROOM_SENDMAIL_PATHS: allowed });
    const team = await target.team();
    const created = await target.admin.call('POST', '/api/v1/accounts', sendmailAccount(allowed, team));
    expect(created.status, created.text).toBe(201);
    const teamAdmin = await target.client('team_admin', [team]);
    const moved = await teamAdmin.call('PATCH', `/api/v1/accounts/${created.body.id}`, {
      outgoing: { path: rogue },
    });
    expect(moved.status, moved.text).toBe(403);
    // Other fields of the account stay editable by the team's admin.
    const renamed = await teamAdmin.call('PATCH', `/api/v1/accounts/${created.body.id}`, { label: 'ours' });
    expect(renamed.status, renamed.text).toBe(200);
  });

  it('an account stored with another program (before this rule) never runs it at send time', async () => {
    target = await startTarget({ MAILROOM_SENDMAIL_PATHS: allowed });
    const created = await target.admin.call('POST', '/api/v1/accounts', sendmailAccount(allowed));
    expect(created.status, created.text).toBe(201);
    // As if written before the allow-list existed.
    await target.running.base.db
      .update(tables.accounts)
      .set({ outgoing: { ...created.body.outgoing, path: rogue } })
      .where(eq(tables.accounts.id, created.body.id));
    const sent = await target.admin.call('POST', '/api/v1/messages', {
      accountId: created.body.id,
      to: ['ops@example.org'],
      subject: 'hi',
      text: 'hi',
    });
    expect(sent.body).toMatchObject({ errorClass: 'blocked' });
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('the allowed program gets the recipients after --, so none is read as an option', async () => {
    target = await startTarget({ MAILROOM_SENDMAIL_PATHS: allowed });
    const created = await target.admin.call('POST', '/api/v1/accounts', sendmailAccount(allowed));
    const sent = await target.admin.call('POST', '/api/v1/messages', {
      accountId: created.body.id,
      to: ['ops@example.org'],
      subject: 'hi',
      text: 'hi',
    });
    expect(sent.status, sent.text).toBe(200);
    expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe('-i -f app@example.com -- ops@example.org');
    // A recipient shaped like an option never reaches the program.
    const dashed = await target.admin.call('POST', '/api/v1/messages', {
      accountId: created.body.id,
      to: ['-oQ/tmp/x@example.org'],
      subject: 'hi',
      text: 'hi',
    });
    expect(dashed.status).toBeGreaterThanOrEqual(400);
  });
});
