import { and, desc, eq, gt, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import { splitIncoming, splitOutgoing } from '../accounts/codec';
import type { Actor, Ctx } from '../context';
import type { Queryable } from '../db/client';
import { connectionTestRecords } from '../db/schema';
import type { LastTest } from '../health';
import { newId } from '../ids';
import { type Direction, lastTestSchema } from '../schemas/account';
import type { ConnectionTestResult } from '../schemas/connection';
import { safeEqual, sha256 } from '../security/hash';
import type { ResolvedPart } from './engine';
import { lastTestOf } from './recordTest';

/** How long a test of unsaved settings counts for the account then created with them. */
export const PRESAVE_TEST_TTL_MS = 30 * 60_000;

/** A test remembered for an account about to be created: its summary and its steps, for the timeline. */
export type PresaveTest = LastTest & {
  steps: Array<{ step: string; ok: boolean; durationMs: number }>;
  hint?: string;
};
const presaveTestSchema = lastTestSchema.extend({
  steps: z.array(z.object({ step: z.string(), ok: z.boolean(), durationMs: z.number() })),
  hint: z.string().optional(),
});

/** JSON with object keys sorted and undefined left out: equal settings give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Settings a connection test does not exercise: changing them after the test (the From name, the poll
 * interval …) does not make it another connection. Every other field, of any transport, counts.
 */
const NOT_TESTED = new Set([
  'replyTo',
  'fromFilter',
  'sendMode',
  'rateLimitPerMinute',
  'fromNotAllowed',
  // DKIM signs messages; a connection test sends none.
  'dkim',
  'pollIntervalSec',
  'afterFetch',
  'enabled',
]);

/** The settings as a test exercised them: what would be stored, without the fields it does not use. */
function tested(stored: Record<string, unknown>): Record<string, unknown> {
  const out = Object.fromEntries(Object.entries(stored).filter(([k]) => !NOT_TESTED.has(k)));
  const from = out.from;
  // The From address is the check step's MAIL FROM; its display name never reaches the server.
  if (from && typeof from === 'object' && 'address' in from) out.from = { address: from.address };
  return out;
}

/**
 * A part's key: the hash of the tested settings without their secrets (a fast hash of what is stored in
 * clear anyway), and its secrets in canonical text, only ever kept encrypted and compared in constant time.
 */
function keyOf(part: ResolvedPart): { hash: string; secrets: string } {
  const { stored: all, secrets } = 'transport' in part ? splitOutgoing(part) : splitIncoming(part);
  const stored = tested(all);
  const typed = Object.fromEntries(
    Object.entries(secrets).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
  return { hash: sha256(canonical(stored)), secrets: canonical(typed) };
}

/** Only the same person (or token) who ran the test can count it. */
const actorKey = (a: Actor) => `${a.via}:${a.userId ?? a.label}`;

/**
 * Remembers a test of unsaved settings (the form's Test before the first Save) for 30 minutes, so that an
 * account created by the same actor with exactly these settings, secrets included, starts from its result.
 */
export async function rememberPresaveTest(
  ctx: Ctx,
  direction: Direction,
  part: ResolvedPart,
  result: ConnectionTestResult,
): Promise<void> {
  if (ctx.actor.via === 'system') return;
  const { hash, secrets } = keyOf(part);
  const now = ctx.now();
  const test: PresaveTest = {
    ...lastTestOf(direction, result, now),
    steps: result.steps.map((s) => ({ step: s.step, ok: s.ok, durationMs: s.durationMs })),
    ...(result.error ? { hint: result.error.hint } : {}),
  };
  // Expired records go as new ones come: the table holds at most half an hour of tests.
  await ctx.db.delete(connectionTestRecords).where(lt(connectionTestRecords.expiresAt, now));
  await ctx.db.insert(connectionTestRecords).values({
    id: newId(),
    actor: actorKey(ctx.actor),
    direction,
    settingsHash: hash,
    secrets: ctx.secrets.encrypt(secrets),
    result: test,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PRESAVE_TEST_TTL_MS),
  });
}

/**
 * The latest remembered test of each given part, run by this actor on exactly these settings in the last
 * 30 minutes; the records used are removed. Settings changed after the test (a port, a password) match
 * nothing, and the account starts untested as before.
 */
export async function takePresaveTests(
  ctx: Ctx,
  q: Queryable,
  parts: Partial<Record<Direction, ResolvedPart | null>>,
): Promise<Partial<Record<Direction, PresaveTest>>> {
  const out: Partial<Record<Direction, PresaveTest>> = {};
  const used: string[] = [];
  const now = ctx.now();
  for (const direction of ['outgoing', 'incoming'] as const) {
    const part = parts[direction];
    if (!part) continue;
    const { hash, secrets } = keyOf(part);
    const rows = await q
      .select()
      .from(connectionTestRecords)
      .where(
        and(
          eq(connectionTestRecords.actor, actorKey(ctx.actor)),
          eq(connectionTestRecords.settingsHash, hash),
          eq(connectionTestRecords.direction, direction),
          gt(connectionTestRecords.expiresAt, now),
        ),
      )
      .orderBy(desc(connectionTestRecords.createdAt))
      .limit(5);
    const match = rows.find((r) => {
      try {
        return safeEqual(ctx.secrets.decrypt(r.secrets), secrets);
      } catch {
        return false; // written under a key no longer configured
      }
    });
    const test = match ? presaveTestSchema.safeParse(match.result) : null;
    if (!test?.success) continue;
    out[direction] = test.data;
    used.push(...rows.map((r) => r.id));
  }
  if (used.length > 0) await q.delete(connectionTestRecords).where(inArray(connectionTestRecords.id, used));
  return out;
}
