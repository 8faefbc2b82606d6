// A team's suppression scope over HTTP: set at creation or later, returned everywhere, admins only.
import { teamSchema } from '@mailroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

describe("teams API: a team's suppression scope", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('defaults to system, is set at creation or by PATCH, and is in the list', async () => {
    const plain = teamSchema.parse(await json(t.call('POST', '/api/v1/teams', { name: 'Plain' })));
    expect(plain.suppressionScope).toBe('system');
    const created = await t.call('POST', '/api/v1/teams', { name: 'Own list', suppressionScope: 'team' });
    expect(created.status).toBe(201);
    const own = teamSchema.parse(await json(created));
    expect(own.suppressionScope).toBe('team');

    const patched = await t.call('PATCH', `/api/v1/teams/${plain.id}`, { suppressionScope: 'team' });
    expect(patched.status).toBe(200);
    expect(teamSchema.parse(await json(patched))).toMatchObject({ name: 'Plain', suppressionScope: 'team' });
    // Name and scope at once; the name alone leaves the scope as it is.
    const both = await t.call('PATCH', `/api/v1/teams/${plain.id}`, {
      name: 'Plain again',
      suppressionScope: 'system',
    });
    expect(await json(both)).toMatchObject({ name: 'Plain again', suppressionScope: 'system' });
    const renamed = await t.call('PATCH', `/api/v1/teams/${own.id}`, { name: 'Own list 2' });
    expect(await json(renamed)).toMatchObject({ name: 'Own list 2', suppressionScope: 'team' });

    const list = await json(t.call('GET', '/api/v1/teams'));
    const byId = new Map(list.items.map((x: { id: string; suppressionScope: string }) => [x.id, x]));
    expect(byId.get(plain.id)).toMatchObject({ suppressionScope: 'system' });
    expect(byId.get(own.id)).toMatchObject({ suppressionScope: 'team' });
  });

  it('refuses an unknown scope and an empty PATCH with the field named', async () => {
    const team = teamSchema.parse(await json(t.call('POST', '/api/v1/teams', { name: 'Strict' })));
    const bad = await t.call('PATCH', `/api/v1/teams/${team.id}`, { suppressionScope: 'everyone' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].path).toBe('suppressionScope');
    const badCreate = await t.call('POST', '/api/v1/teams', { name: 'Strict 2', suppressionScope: 'all' });
    expect(badCreate.status).toBe(400);
    const empty = await t.call('PATCH', `/api/v1/teams/${team.id}`, {});
    expect(empty.status).toBe(400);
  });

  it('lets only admins change it: a team admin of that team and a viewer get 403, nothing changes', async () => {
    const team = teamSchema.parse(await json(t.call('POST', '/api/v1/teams', { name: 'Guarded' })));
    const lead = await json(
      t.call('POST', '/api/v1/tokens', { name: 'guarded lead', role: 'team_admin', teamIds: [team.id] }),
    );
    const viewer = await json(t.call('POST', '/api/v1/tokens', { name: 'guarded viewer', role: 'viewer' }));
    for (const token of [lead.token, viewer.token]) {
      const res = await t.call('PATCH', `/api/v1/teams/${team.id}`, { suppressionScope: 'team' }, { token });
      expect(res.status).toBe(403);
      const create = await t.call(
        'POST',
        '/api/v1/teams',
        { name: 'Sneaky', suppressionScope: 'team' },
        { token },
      );
      expect(create.status).toBe(403);
    }
    // The team admin reads the setting of their team.
    const mine = await json(t.call('GET', '/api/v1/teams', undefined, { token: lead.token }));
    expect(mine.items).toEqual([expect.objectContaining({ id: team.id, suppressionScope: 'system' })]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await json(t.call('GET', '/api/openapi.json'));
    const patch = doc.paths['/api/v1/teams/{id}'].patch;
    expect(patch.description).toContain('suppressionScope');
    const body = patch.requestBody.content['application/json'].schema;
    const scope = body.properties.suppressionScope;
    expect(scope.enum).toEqual(['system', 'team']);
    expect(scope.description).toContain("only this team's sends skip it");
  });
});
