import { Hono } from 'hono';

/** Liveness, readiness and Prometheus metrics; liveness and readiness need no sign-in. */
export const systemRoutes = new Hono();

systemRoutes.get('/healthz', (c) => c.json({ ok: true }));

systemRoutes.get('/readyz', async (c) => {
  const deps = c.get('deps');
  const database = await deps.ping().catch(() => false);
  const body = { ok: database, checks: { database }, ...(deps.status?.() ?? {}) };
  return c.json(body, database ? 200 : 503);
});
