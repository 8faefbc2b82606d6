import { readFileSync } from 'node:fs';
import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../db/schema';
import { newId } from '../ids';
import type { RecipientStatus } from '../schemas/messages';
import { backends, createTestEnv, type TestEnv } from '../testing';

// Migration 0005 reclassifies messages stored as 'sent' before partially_sent existed. It ran on an
// empty outbox when the test database was made, so its statement is run again here over old rows.
const migration = readFileSync(new URL('../../drizzle/0005_sender_partial.sql', import.meta.url), 'utf8');
const reclassify = migration
  .split('--> statement-breakpoint')
  .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
  .find((s) => s.startsWith('UPDATE "messages"'));

describe.each(backends)('migration 0005 on %s', (backend) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(backend);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('turns old sent messages some recipients refused into partially_sent, and nothing else', async () => {
    expect(reclassify).toBeDefined();
    const old = (
      subject: string,
      status: 'sent' | 'failed',
      recipients: Array<[string, RecipientStatus]>,
    ) => ({
      id: newId(),
      accountId: null,
      status,
      mode: 'queued' as const,
      routeReason: 'account_id',
      fromAddress: 'ops@example.com',
      to: recipients.map(([a]) => a),
      subject,
      recipients: recipients.map(([address, s]) => ({ address, status: s, reply: null })),
    });
    await env.database.db.insert(messages).values([
      old('mixed', 'sent', [
        ['ok1@example.org', 'accepted'],
        ['nobody@example.org', 'rejected'],
      ]),
      old('all accepted', 'sent', [['ok1@example.org', 'accepted']]),
      old('all refused', 'failed', [['nobody@example.org', 'rejected']]),
    ]);
    await env.database.db.execute(sql.raw(reclassify!));
    const rows = await env.database.db
      .select({ subject: messages.subject, status: messages.status })
      .from(messages)
      .orderBy(asc(messages.subject));
    expect(rows).toEqual([
      { subject: 'all accepted', status: 'sent' },
      { subject: 'all refused', status: 'failed' },
      { subject: 'mixed', status: 'partially_sent' },
    ]);
  });
});
