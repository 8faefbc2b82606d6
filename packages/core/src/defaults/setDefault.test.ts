import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { failure } from '../outbox/testkit';
import { createTestEnv, type TestEnv } from '../testing';
import { setDefault } from './setDefault';

const account = (name: string) => ({
  name,
  outgoing: {
    transport: 'smtp',
    host: 'smtp.example.com',
    security: 'starttls',
    from: { address: `${name.toLowerCase()}@example.com` },
  },
  incoming: {
    protocol: 'imap',
    host: 'imap.example.com',
    auth: { method: 'password', username: 'u@example.com', password: 'secret' },
  },
});

describe('setDefault wording', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('pglite');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('says "an outgoing default" and "an incoming default", as sentences', async () => {
    const first = await createAccount({ ctx: env.ctx, input: account('First') });
    const second = await createAccount({ ctx: env.ctx, input: account('Second') });
    for (const direction of ['outgoing', 'incoming'] as const) {
      await setDefault({ ctx: env.ctx, input: { teamId: null, direction, accountId: first.id } });
      const err = await failure(
        setDefault({ ctx: env.ctx, input: { teamId: null, direction, accountId: second.id } }),
      );
      expect(err.code).toBe('default_exists');
      expect(err.message).toBe(`"First" is already the ${direction} default of the system`);
      expect(err.errors).toEqual([
        { path: 'accountId', message: `the system already has an ${direction} default (First)` },
      ]);
    }
  });
});
