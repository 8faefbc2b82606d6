import { metricsText } from '@mailroom/core';
import { Hono } from 'hono';
import { auth } from '../../middleware/auth';

/** Liveness, readiness and Prometheus metrics; liveness and readiness need no sign-in. */
export const systemRoutes = new Hono();

systemRoutes.get('/healthz', (c) => c.json({ ok: true }));

systemRoutes.get('/readyz', async (c) => {
  const deps = c.get('deps');
  const database = await deps.ping().catch(() => false);
  const body = { ok: database, checks: { database }, ...(deps.status?.() ?? {}) };
  return c.json(body, database ? 200 : 503);
});

// Counts only what the caller may read: a team admin's scrape shows their teams and the system level.
systemRoutes.get('/metrics', auth(), async (c) =>
  c.body(await metricsText({ ctx: c.get('ctx') }), 200, { 'content-type': 'text/plain; version=0.0.4' }),
);
