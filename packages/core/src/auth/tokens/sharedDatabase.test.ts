import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedTestEnvs, type TestEnv } from '../../testing';
import { createToken } from './createToken';
import { resolveToken } from './resolveToken';
import { revokeToken } from './revokeToken';

// Two API processes on one Postgres: each has its own connections (and, on the embedded database, its
// own token cache). A token revoked through one is refused by the other on its very next request.
describe('API tokens across processes sharing Postgres', () => {
  let shared: Awaited<ReturnType<typeof createSharedTestEnvs>>;
  let a: TestEnv;
  let b: TestEnv;
  beforeAll(async () => {
    shared = await createSharedTestEnvs(2);
    [a, b] = shared.envs as [TestEnv, TestEnv];
  });
  afterAll(async () => {
    await shared?.close();
  });

  it('a token revoked in one process is refused by the other on the next lookup', async () => {
    const { id, token } = await createToken({ ctx: a.ctx, input: { name: 'integrator', role: 'admin' } });
    // Both processes have used it (and would have cached it).
    expect(await resolveToken(a.base.db, token)).not.toBeNull();
    expect(await resolveToken(b.base.db, token)).not.toBeNull();
    await revokeToken({ ctx: a.ctx, id });
    expect(await resolveToken(b.base.db, token)).toBeNull();
    expect(await resolveToken(a.base.db, token)).toBeNull();
  });
});
