import type { ServerEvent } from '../../events.js';
import type { HttpContext } from '../context.js';
import type { Router } from '../router.js';

const HEARTBEAT_MS = 15_000;

const frame = (event: ServerEvent) =>
  `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;

/**
 * Server-sent events: `message`, `update`, `delete`, `reset`, `fault` (see `ServerEventType`). A client that reconnects with
 * `Last-Event-ID` (or `?lastEventId=`) gets what it missed; when the buffer no longer holds
 * all of it, a `resync` event comes first, telling it to list again.
 */
export function eventRoutes(router: Router, ctx: HttpContext): void {
  router.on('GET', '/api/events', ({ req, res, query }) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const last = req.headers['last-event-id'] ?? query.get('lastEventId');
    const lastId = Number(Array.isArray(last) ? last[0] : last);
    if (last !== undefined && last !== null && Number.isInteger(lastId) && lastId >= 0) {
      const { events, complete } = ctx.events.since(lastId);
      if (!complete) res.write(`event: resync\ndata: {"lastEventId":${ctx.events.latestId}}\n\n`);
      for (const event of events) res.write(frame(event));
    }
    const unsubscribe = ctx.events.subscribe((event) => res.write(frame(event)));
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    ctx.open.add(res);
    res.once('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
      ctx.open.delete(res);
    });
  });
}
