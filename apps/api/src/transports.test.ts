import { accountViewSchema, problemSchema } from '@mailroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from './testing';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';

describe('accounts API: an Amazon SES account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates it with a write-only secret access key, and keeps it on an unrelated change', async () => {
    const res = await t.call('POST', '/api/v1/accounts', {
      name: 'SES outbound',
      outgoing: {
        transport: 'ses',
        region: 'eu-west-1',
        accessKeyId: 'AKIAMAILROOMTEST',
        secretAccessKey: SECRET,
        configurationSetName: 'marketing',
        from: { address: 'news@example.com' },
      },
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    const created = accountViewSchema.parse(JSON.parse(text));
    expect(created.outgoing).toMatchObject({
      transport: 'ses',
      region: 'eu-west-1',
      accessKeyId: 'AKIAMAILROOMTEST',
      hasSecretAccessKey: true,
      configurationSetName: 'marketing',
    });
    const read = await t.call('GET', `/api/v1/accounts/${created.id}`);
    expect(await read.text()).not.toContain(SECRET);
    const patched = await json(
      t.call('PATCH', `/api/v1/accounts/${created.id}`, { outgoing: { sendMode: 'immediate' } }),
    );
    expect(patched.outgoing).toMatchObject({ hasSecretAccessKey: true, sendMode: 'immediate' });
    // Moving the key to another endpoint needs the key again.
    const moved = await t.call('PATCH', `/api/v1/accounts/${created.id}`, {
      outgoing: { endpoint: 'https://ses-proxy.example.com' },
    });
    expect(moved.status).toBe(422);
    const problem = problemSchema.parse(await moved.json());
    expect(problem).toMatchObject({ code: 'secret_required' });
    expect(problem.errors?.map((e) => e.path)).toEqual(['outgoing.secretAccessKey']);
  });

  it('names the field of a bad region, a missing secret and an endpoint over plain http', async () => {
    const base = {
      transport: 'ses',
      region: 'eu-west-1',
      accessKeyId: 'AKIAMAILROOMTEST',
      from: { address: 'news@example.com' },
    };
    const bad = async (outgoing: Record<string, unknown>, path: string) => {
      const res = await t.call('POST', '/api/v1/accounts', { name: `SES ${path}`, outgoing });
      expect(res.status).toBe(400);
      expect(problemSchema.parse(await res.json()).errors?.map((e) => e.path)).toContain(path);
    };
    await bad({ ...base, secretAccessKey: SECRET, region: 'Ireland' }, 'outgoing.region');
    await bad(base, 'outgoing.secretAccessKey');
    await bad({ ...base, secretAccessKey: SECRET, endpoint: 'http://ses.example.com' }, 'outgoing.endpoint');
  });
});
