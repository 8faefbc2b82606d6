import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../db/schema';
import { newId } from '../ids';
import { backends, createTestEnv, type TestEnv } from '../testing';
import { emitEvent, emitEvents } from './emitEvent';

describe.each(backends)('emitEvent on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
  });
  afterAll(async () => {
    await env?.close();
  });

  async function endpoint(over: Partial<typeof webhookEndpoints.$inferInsert> = {}) {
    const id = newId();
    await env.ctx.db
      .insert(webhookEndpoints)
      .values({ id, url: 'https://example.com/hook', secret: 'x', ...over });
    return id;
  }

  it('stores nothing when no endpoint wants the event', async () => {
    const id = await emitEvent(env.ctx.db, { type: 'message.sent', teamId: null, data: { messageId: 'm' } });
    expect(id).toBeNull();
  });

  it('fans out to matching enabled endpoints in the caller transaction, or not at all', async () => {
    const all = await endpoint();
    const team = await endpoint({ teamId: 'team-a', eventTypes: ['message.failed'] });
    await endpoint({ enabled: false });
    await endpoint({ teamId: 'team-b' });
    const [sent, failed] = await env.ctx.db.transaction(async (tx) =>
      emitEvents(tx, [
        { type: 'message.sent', teamId: 'team-a', data: { messageId: 'm1' } },
        { type: 'message.failed', teamId: 'team-a', data: { messageId: 'm2' } },
      ]),
    );
    const of = async (eventId: string | undefined) =>
      (
        await env.ctx.db
          .select({ endpointId: webhookDeliveries.endpointId, status: webhookDeliveries.status })
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.eventId, eventId ?? ''))
      )
        .map((d) => d.endpointId)
        .sort();
    expect(await of(sent)).toEqual([all]);
    expect(await of(failed)).toEqual([all, team].sort());

    // Rolled back with the change that caused it.
    const lost = newId();
    await expect(
      env.ctx.db.transaction(async (tx) => {
        await emitEvent(tx, { id: lost, type: 'message.sent', teamId: null, data: {} });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await env.ctx.db.select().from(webhookEvents).where(eq(webhookEvents.id, lost))).toEqual([]);
  });
});
