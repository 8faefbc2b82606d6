import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../auth/teams';
import { backends, createTestEnv, type TestEnv } from '../testing';
import {
  addSuppression,
  exportSuppressions,
  importSuppressions,
  listSuppressions,
  removeSuppression,
} from '.';

describe.each(backends)('a suppression CSV import on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
  });
  afterAll(async () => {
    await env?.close();
  });

  const listed = async (q: string) =>
    (await listSuppressions({ ctx: env.ctx, input: { q } })).items
      .map((i) => ({ address: i.address, teamId: i.teamId, reason: i.reason, detail: i.detail }))
      .sort((a, b) => a.address.localeCompare(b.address));

  it('takes back what the export wrote: reason, note and list, and names the columns it did not take', async () => {
    const team = await createTeam({ ctx: env.ctx, input: { name: 'Round trip' } });
    await addSuppression({
      ctx: env.ctx,
      input: { address: 'rt-team@example.org', teamId: team.id, detail: 'theirs only' },
    });
    await addSuppression({
      ctx: env.ctx,
      input: {
        address: 'rt-one@example.org',
        reason: 'complaint',
        detail: 'asked us by phone, "never again"',
      },
    });
    await addSuppression({ ctx: env.ctx, input: { address: 'rt-two@example.org' } });
    const before = await listed('rt-');
    const csv = await exportSuppressions({ ctx: env.ctx });
    for (const s of (await listSuppressions({ ctx: env.ctx, input: { q: 'rt-' } })).items) {
      await removeSuppression({ ctx: env.ctx, id: s.id });
    }

    // Into the system list: the team's line stays out of it (it would stop every team's sends).
    const r = await importSuppressions({ ctx: env.ctx, csv });
    expect(r).toMatchObject({ added: 2, invalid: [] });
    expect(r.skipped).toEqual([
      {
        line: expect.any(Number),
        address: 'rt-team@example.org',
        why: "the file puts it on team Round trip's list; this import goes into the system list",
      },
    ]);
    const back = await importSuppressions({ ctx: env.ctx, csv, teamId: team.id });
    expect(back.added).toBe(1);
    expect(back.skipped.map((s) => [s.address, s.why]).sort()).toEqual([
      [
        'rt-one@example.org',
        "the file puts it on the system list; this import goes into team Round trip's list",
      ],
      [
        'rt-two@example.org',
        "the file puts it on the system list; this import goes into team Round trip's list",
      ],
    ]);
    expect(await listed('rt-')).toEqual(before);
    expect(before.find((b) => b.address === 'rt-one@example.org')).toMatchObject({
      reason: 'complaint',
      detail: 'asked us by phone, "never again"',
    });
    expect(r.ignoredColumns).toEqual([
      { column: 'source', why: 'an imported entry is recorded as an import' },
      { column: 'message_id', why: 'an imported entry names no message' },
      { column: 'created_at', why: 'an imported entry is recorded as added now' },
      { column: 'created_by', why: `an imported entry is recorded as added by ${env.ctx.actor.label}` },
    ]);
  });

  it("reads a person's note column by its name, wherever it stands", async () => {
    const r = await importSuppressions({
      ctx: env.ctx,
      csv: 'Note,Address,Reason\n"left the company",note-a@example.org,manual\n,note-b@example.org,hard_bounce\n',
    });
    expect(r).toMatchObject({ added: 2, ignoredColumns: [] });
    expect(await listed('note-')).toEqual([
      { address: 'note-a@example.org', teamId: null, reason: 'manual', detail: 'left the company' },
      { address: 'note-b@example.org', teamId: null, reason: 'hard_bounce', detail: null },
    ]);
  });

  it('reads a file without a header as address,reason,note and says what it left out', async () => {
    const r = await importSuppressions({
      ctx: env.ctx,
      csv: 'bare-a@example.org,,a note\nbare-b@example.org,complaint,another,Bob\n',
    });
    expect(r.added).toBe(2);
    expect(r.ignoredColumns).toEqual([
      { column: 'column 4', why: 'a file without a header line is read as address,reason,note' },
    ]);
    expect(await listed('bare-')).toEqual([
      { address: 'bare-a@example.org', teamId: null, reason: 'manual', detail: 'a note' },
      { address: 'bare-b@example.org', teamId: null, reason: 'complaint', detail: 'another' },
    ]);
  });

  it('names a column it does not know, and refuses a note longer than the list keeps', async () => {
    const r = await importSuppressions({
      ctx: env.ctx,
      csv: `address,name,note\nodd-a@example.org,Ann,fine\nodd-b@example.org,Bob,${'x'.repeat(501)}\n`,
    });
    expect(r.added).toBe(1);
    expect(r.ignoredColumns).toEqual([
      { column: 'name', why: 'not a column the list keeps (address, reason, note or detail)' },
    ]);
    expect(r.invalid).toEqual([
      {
        line: 3,
        text: expect.stringContaining('odd-b@example.org'),
        message: 'note: at most 500 characters',
      },
    ]);
  });
});
