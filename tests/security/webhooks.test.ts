// Webhooks under attack: an endpoint aimed at the internal network or a cloud metadata service, a
// receiver that redirects to one, a receiver that echoes the signing secret, a team admin reaching for
// another team's endpoints. Each must be refused, not followed, masked, or not found.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWebhook,
  emitEvent,
  getWebhook,
  listDeliveries,
  listWebhooks,
  MailroomError,
  queryLogs,
  replayDelivery,
  rotateWebhookSecret,
  runDispatcher,
  sendTestEvent,
  tables,
  updateWebhook,
} from '@mailroom/core';
import { createTestEnv, type TestEnv } from '@mailroom/core/testing';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

async function refusal(p: Promise<unknown>): Promise<MailroomError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MailroomError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

/** A receiver answering every request with `answer`, counting requests. */
async function receiverAnswering(
  answer: (body: string) => { status: number; headers?: Record<string, string>; body?: string },
) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      requests += 1;
      const a = answer(body);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('webhook endpoints never reach the internal network', () => {
  let strict: TestEnv;
  let local: TestEnv;
  beforeAll(async () => {
    strict = await createTestEnv('pglite', { allowPrivateHosts: false });
    local = await createTestEnv('pglite', { allowPrivateHosts: true });
  });
  afterAll(async () => {
    await strict?.close();
    await local?.close();
  });

  it.each([
    'http://127.0.0.1:8080/hooks',
    'https://127.0.0.1/hooks',
    'https://10.0.0.5/hooks',
    'https://192.168.1.1/hooks',
    'https://[::1]/hooks',
    'https://[::ffff:10.0.0.1]/hooks',
    'https://169.254.169.254/latest/meta-data/',
    'https://user:pass@example.com/hooks',
    'file:///etc/passwd',
  ])('refuses %s when private hosts are not allowed', async (url) => {
    const err = await refusal(createWebhook({ ctx: strict.ctx, input: { url } }));
    expect(err.code).toBe('validation_failed');
    expect(err.errors?.[0]?.path).toBe('url');
  });

  it('refuses the metadata service even where private hosts are allowed, and on a change of URL', async () => {
    const err = await refusal(
      createWebhook({ ctx: local.ctx, input: { url: 'http://169.254.169.254/latest/' } }),
    );
    expect(err.errors?.[0]?.path).toBe('url');
    const ok = await createWebhook({ ctx: local.ctx, input: { url: 'http://127.0.0.1:9/hooks' } });
    const change = await refusal(
      updateWebhook({ ctx: local.ctx, id: ok.id, input: { url: 'https://[fd00:ec2::254]/latest/' } }),
    );
    expect(change.errors?.[0]?.path).toBe('url');
  });

  it('a name that resolves to loopback is blocked by the door at delivery time', async () => {
    const hook = await createWebhook({ ctx: strict.ctx, input: { url: 'https://localhost/hooks' } });
    const { deliveryId } = await sendTestEvent({ ctx: strict.ctx, id: hook.id });
    await drain(strict);
    const page = await listDeliveries({ ctx: strict.ctx, endpointId: hook.id, input: {} });
    const d = page.items.find((x) => x.id === deliveryId);
    expect(d?.attempts[0]).toMatchObject({ ok: false, errorCode: 'blocked', statusCode: null });
  });
});

describe('a receiver cannot redirect a delivery, nor make Mailroom show the secret', () => {
  let env: TestEnv;
  const closers: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    env = await createTestEnv('pglite', { allowPrivateHosts: true });
  });
  afterEach(async () => {
    while (closers.length > 0) await closers.pop()?.();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a 302 to the metadata service is a failed attempt, not followed', async () => {
    const target = await receiverAnswering(() => ({ status: 200 }));
    closers.push(target.close);
    const redirecting = await receiverAnswering(() => ({
      status: 302,
      headers: { location: target.url },
    }));
    closers.push(redirecting.close);
    const hook = await createWebhook({ ctx: env.ctx, input: { url: redirecting.url } });
    const { deliveryId } = await sendTestEvent({ ctx: env.ctx, id: hook.id });
    await drain(env);
    expect(redirecting.requests()).toBe(1);
    expect(target.requests()).toBe(0);
    const page = await listDeliveries({ ctx: env.ctx, endpointId: hook.id, input: {} });
    const d = page.items.find((x) => x.id === deliveryId);
    expect(d?.status).toBe('pending');
    expect(d?.attempts[0]).toMatchObject({ ok: false, statusCode: 302, errorCode: 'protocol' });
  });

  it('a receiver echoing the secrets gets them masked in the stored snippet; the secret is encrypted at rest and never logged', async () => {
    let secrets: string[] = [];
    const echo = await receiverAnswering(() => ({
      status: 500,
      body: `bad signature, expected ${secrets.join(' and ')}`,
    }));
    closers.push(echo.close);
    const hook = await createWebhook({ ctx: env.ctx, input: { url: echo.url } });
    const rotated = await rotateWebhookSecret({ ctx: env.ctx, id: hook.id, input: { overlapSeconds: 600 } });
    secrets = [hook.secret, rotated.secret, hook.secret.slice('whsec_'.length)];
    await sendTestEvent({ ctx: env.ctx, id: hook.id });
    await drain(env);
    const page = await listDeliveries({ ctx: env.ctx, endpointId: hook.id, input: {} });
    const everything = JSON.stringify([
      page,
      await getWebhook({ ctx: env.ctx, id: hook.id }),
      await listWebhooks({ ctx: env.ctx, input: {} }),
      await queryLogs({ ctx: env.ctx, input: { source: 'webhooks' } }),
      await env.ctx.db.select().from(tables.webhookEndpoints).where(eq(tables.webhookEndpoints.id, hook.id)),
    ]);
    expect(page.items[0]?.attempts[0]?.snippet).toContain('bad signature');
    for (const s of secrets) expect(everything).not.toContain(s);
  });
});

describe('a team admin sees and changes only their teams’ endpoints', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('pglite', { allowPrivateHosts: true });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('another team’s endpoint, its deliveries and system-level endpoints are not found; none can be made or changed', async () => {
    const mine = await createWebhook({
      ctx: env.ctx,
      input: { url: 'http://127.0.0.1:9/a', teamId: 'team-a' },
    });
    const theirs = await createWebhook({
      ctx: env.ctx,
      input: { url: 'http://127.0.0.1:9/b', teamId: 'team-b' },
    });
    const system = await createWebhook({ ctx: env.ctx, input: { url: 'http://127.0.0.1:9/s' } });
    const eventId = await emitEvent(env.ctx.db, {
      type: 'message.sent',
      teamId: 'team-b',
      data: { id: 'x' },
    });
    const [delivery] = await env.ctx.db
      .select()
      .from(tables.webhookDeliveries)
      .where(eq(tables.webhookDeliveries.eventId, eventId ?? ''));
    const teamAdmin = env.as({ role: 'team_admin', teamIds: ['team-a'], label: 'lead@a.example' });

    const listed = await listWebhooks({ ctx: teamAdmin, input: {} });
    expect(listed.items.map((w) => w.id)).toEqual([mine.id]);
    const probe = await listWebhooks({ ctx: teamAdmin, input: { teamId: 'team-b' } });
    expect(probe.items).toEqual([]);
    for (const id of [theirs.id, system.id]) {
      expect((await refusal(getWebhook({ ctx: teamAdmin, id }))).code).toBe('not_found');
      expect((await refusal(updateWebhook({ ctx: teamAdmin, id, input: { enabled: false } }))).code).toBe(
        'not_found',
      );
      expect((await refusal(rotateWebhookSecret({ ctx: teamAdmin, id, input: {} }))).code).toBe('not_found');
      expect((await refusal(sendTestEvent({ ctx: teamAdmin, id }))).code).toBe('not_found');
      expect((await refusal(listDeliveries({ ctx: teamAdmin, endpointId: id, input: {} }))).code).toBe(
        'not_found',
      );
    }
    expect((await refusal(replayDelivery({ ctx: teamAdmin, id: delivery?.id ?? '' }))).code).toBe(
      'not_found',
    );
    expect(
      (await refusal(createWebhook({ ctx: teamAdmin, input: { url: 'http://127.0.0.1:9/x' } }))).code,
    ).toBe('forbidden');
    expect(
      (
        await refusal(
          createWebhook({ ctx: teamAdmin, input: { url: 'http://127.0.0.1:9/x', teamId: 'team-b' } }),
        )
      ).code,
    ).toBe('forbidden');
    const viewer = env.as({ role: 'viewer' });
    expect((await refusal(updateWebhook({ ctx: viewer, id: mine.id, input: { enabled: false } }))).code).toBe(
      'forbidden',
    );
  });
});

/** Runs a dispatcher until nothing is due (each test's deliveries were attempted once). */
async function drain(env: TestEnv): Promise<void> {
  await runDispatcher({
    base: env.base,
    workerId: `security:${Math.random()}`,
    signal: new AbortController().signal,
    exitWhenIdle: true,
    pollMs: 10,
    policy: { backoffBaseMs: 60_000, timeoutMs: 3000 },
  });
}
