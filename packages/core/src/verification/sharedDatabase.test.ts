import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/createAccount';
import { verificationCodes } from '../db/schema';
import { MailroomError } from '../errors';
import { newId } from '../ids';
import { createSharedTestEnvs, type TestEnv } from '../testing';
import { hashCode } from './code';
import { confirmVerification } from './confirmVerification';

// The verification limits live in the database under the account's row lock: two API processes
// guessing at once get five wrong tries between them, not five each.
describe('verification code limits across processes sharing Postgres', () => {
  let shared: Awaited<ReturnType<typeof createSharedTestEnvs>>;
  let envs: TestEnv[];
  beforeAll(async () => {
    shared = await createSharedTestEnvs(2);
    envs = shared.envs;
  });
  afterAll(async () => {
    await shared?.close();
  });

  it('twelve wrong codes typed at once through two processes: five counted, the rest refused', async () => {
    const [a] = envs as [TestEnv];
    const account = await createAccount({
      ctx: a.ctx,
      input: {
        name: 'Shared verification',
        outgoing: {
          transport: 'smtp',
          host: '127.0.0.1',
          port: 2525,
          security: 'none',
          from: { address: 'sender@example.com' },
        },
      },
    });
    const id = newId();
    const now = new Date();
    await a.ctx.db.insert(verificationCodes).values({
      id,
      accountId: account.id,
      sentTo: 'admin@example.org',
      codeHash: hashCode(id, '123456'),
      createdAt: now,
      expiresAt: new Date(now.getTime() + 600_000),
    });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        confirmVerification({ ctx: envs[i % 2]!.ctx, id: account.id, input: { code: '000000' } }).then(
          () => 'confirmed',
          (e: unknown) => (e instanceof MailroomError ? e.code : String(e)),
        ),
      ),
    );
    const counts = results.reduce<Record<string, number>>((m, r) => {
      m[r] = (m[r] ?? 0) + 1;
      return m;
    }, {});
    // Four wrong tries say so, the fifth is the last one, the other seven find the code used up.
    expect(counts).toEqual({ code_invalid: 4, code_attempts_exceeded: 8 });
    const [row] = await a.ctx.db.select().from(verificationCodes);
    expect(row!.attempts).toBe(5);
  });
});
