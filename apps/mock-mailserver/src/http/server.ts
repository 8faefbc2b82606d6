import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../listen.js';
import { oauthControlRoutes } from '../oauth/control.js';
import { oauthRoutes } from '../oauth/routes.js';
import { InvalidCursorError } from '../store/store.js';
import { uiRoutes } from '../ui/routes.js';
import type { HttpContext } from './context.js';
import { HttpError, problem } from './respond.js';
import { Router } from './router.js';
import { codeRoutes } from './routes/codes.js';
import { eventRoutes } from './routes/events.js';
import { faultRuleRoutes } from './routes/fault-rules.js';
import { faultRoutes } from './routes/faults.js';
import { mailgunRoutes } from './routes/mailgun.js';
import { mailpitRoutes } from './routes/mailpit/index.js';
import { messageRoutes } from './routes/messages.js';
import { sesRoutes } from './routes/ses.js';
import { waitRoutes } from './routes/wait.js';

/** Builds the router with every route of the HTTP API and the web page. */
export function buildRouter(ctx: HttpContext): Router {
  const router = new Router();
  // Before the message routes, whose /api/messages/:id would otherwise take "wait" for an id.
  waitRoutes(router, ctx);
  messageRoutes(router, ctx);
  codeRoutes(router, ctx);
  eventRoutes(router, ctx);
  faultRoutes(router, ctx);
  faultRuleRoutes(router, ctx);
  mailgunRoutes(router, ctx);
  mailpitRoutes(router, ctx);
  sesRoutes(router, ctx);
  oauthRoutes(router, ctx);
  oauthControlRoutes(router, ctx);
  uiRoutes(router, ctx);
  return router;
}

/** Starts the HTTP API. */
export async function startHttp(
  ctx: HttpContext,
  options: { host: string; port: number },
): Promise<{ port: number; close: () => Promise<void> }> {
  const router = buildRouter(ctx);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = router.match(req.method ?? 'GET', url.pathname);
    try {
      if (route === undefined) throw new HttpError(404, `no route for ${url.pathname}`);
      if (route === 405) throw new HttpError(405, `${req.method} is not supported on ${url.pathname}`);
      await route.handler({ req, res, params: route.params, query: url.searchParams });
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof HttpError) return problem(res, error.status, error.message, error.extra);
      if (error instanceof InvalidCursorError) {
        return problem(res, 400, error.message, { errors: [{ path: 'after', message: error.message }] });
      }
      ctx.log(`http: ${req.method} ${url.pathname} failed: ${(error as Error).stack ?? error}`);
      problem(res, 500, 'internal error');
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5000;
  const port = await listen(server, options.port, options.host);
  server.on('error', (error) => ctx.log(`http: ${error.message}`));
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of ctx.open) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
