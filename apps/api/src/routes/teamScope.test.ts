import { problemSchema, suppressionViewSchema, teamSchema } from '@mailroom/core';
import { backends } from '@mailroom/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../testing';

// Every list the header's team switcher scopes takes the accounts list's `teamId`.
const lists = [
  '/api/v1/accounts',
  '/api/v1/messages',
  '/api/v1/inbox',
  '/api/v1/logs',
  '/api/v1/reports/accounts.csv',
  '/api/v1/reports/delivery',
  '/api/v1/reports/delivery.csv',
  '/api/v1/suppressions',
  '/api/v1/suppressions/export',
  '/api/v1/webhooks',
];

describe.each(backends)('the team filter (teamId) of the lists on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('each list takes a team id or system, and refuses two teamIds with a 400 naming teamId', async () => {
    for (const path of lists) {
      for (const teamId of ['system', 'no-such-team']) {
        const res = await t.call('GET', `${path}?teamId=${teamId}`);
        expect(res.status, `${path}?teamId=${teamId}`).toBe(200);
      }
      const res = await t.call('GET', `${path}?teamId=a&teamId=b`);
      expect(res.status, path).toBe(400);
      expect(problemSchema.parse(await res.json()).errors?.map((e) => e.path)).toContain('teamId');
    }
  });

  it('an id that names no team lists nothing; a team its rows; system the rows of no team', async () => {
    const team = teamSchema.parse(await json(t.call('POST', '/api/v1/teams', { name: 'Scoped' })));
    for (const body of [
      { address: 'everyone@example.org' },
      { address: 'team@example.org', teamId: team.id },
    ]) {
      expect((await t.call('POST', '/api/v1/suppressions', body)).status).toBe(201);
    }
    const addresses = async (query: string) =>
      (await json(t.call('GET', `/api/v1/suppressions${query}`))).items.map(
        (s: unknown) => suppressionViewSchema.parse(s).address,
      );
    expect(await addresses('')).toEqual(['team@example.org', 'everyone@example.org']);
    expect(await addresses(`?teamId=${team.id}`)).toEqual(['team@example.org']);
    expect(await addresses('?teamId=system')).toEqual(['everyone@example.org']);
    expect(await addresses('?teamId=no-such-team')).toEqual([]);
    const csv = await (await t.call('GET', `/api/v1/suppressions/export?teamId=${team.id}`)).text();
    expect(csv).toContain('team@example.org');
    expect(csv).not.toContain('everyone@example.org');
  });

  it('the OpenAPI document describes teamId on each list', async () => {
    const doc = await json(t.app.request('/api/openapi.json'));
    for (const path of lists) {
      const params = doc.paths[path]?.get?.parameters ?? [];
      const teamId = params.find((p: { name: string }) => p.name === 'teamId');
      expect(teamId?.description, path).toMatch(/system/);
    }
  });
});
