import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

/** Serves the built admin UI with a fallback to index.html for client-side routes. */
// biome-ignore lint/suspicious/noExplicitAny: works for any Hono app flavour
export function mountWeb(app: Hono<any, any, any>, webDist: string | undefined): void {
  if (!webDist || !existsSync(join(webDist, 'index.html'))) {
    app.get('/', (c) =>
      c.html(
        '<!doctype html><title>Mailroom</title><p>The web UI is not built. Run <code>npx -y pnpm@10.34.9 --filter @mailroom/web build</code>, or use the API at <a href="/api/docs">/api/docs</a>.</p>',
      ),
    );
    return;
  }
  // Read again whenever the file changes: a rebuilt UI replaces its hashed assets, and an index.html kept
  // from start-up would send every deep link to scripts that no longer exist (while "/" got the new one).
  const indexPath = join(webDist, 'index.html');
  let index = { key: '', html: '' };
  const currentIndex = () => {
    try {
      const { ino, mtimeMs, size } = statSync(indexPath);
      // A build empties dist/ and writes a new file (a new inode), even within the same millisecond.
      const key = `${ino}:${mtimeMs}:${size}`;
      if (key !== index.key) index = { key, html: readFileSync(indexPath, 'utf8') };
    } catch {
      // Mid-rebuild the file may be missing for a moment: the last one read is the best answer.
    }
    return index.html;
  };
  currentIndex();
  app.use(
    '/assets/*',
    serveStatic({
      root: webDist,
      onFound: (_p, c) => c.header('cache-control', 'public, max-age=31536000, immutable'),
    }),
  );
  app.use('/*', serveStatic({ root: webDist }));
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/')) return c.notFound();
    return c.html(currentIndex());
  });
}

/** The interactive API docs page, with Swagger UI served from this server (no CDN). */
// biome-ignore lint/suspicious/noExplicitAny: works for any Hono app flavour
export function mountDocs(app: Hono<any, any, any>): void {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
  app.use(
    '/api/docs/assets/*',
    serveStatic({ root: dist, rewriteRequestPath: (p) => p.replace(/^\/api\/docs\/assets/, '') }),
  );
  app.get('/api/docs', (c) =>
    c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mailroom API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`),
  );
  // A separate script file keeps the page compatible with a strict Content-Security-Policy.
  app.get('/api/docs/init.js', (c) =>
    c.body(
      "window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', withCredentials: true });",
      200,
      {
        'content-type': 'text/javascript',
      },
    ),
  );
}
