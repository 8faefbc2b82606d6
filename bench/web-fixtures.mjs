// A stand-in API for looking at the web UI without a database: serves apps/web/dist with the
// SPA fallback and answers the read endpoints from generated data. Used by web-list.mjs to
// render N accounts; also handy to eyeball screens (`node web-fixtures.mjs 1000`).

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../apps/web/dist/', import.meta.url));
const types = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** N accounts with a realistic spread of stages, health and directions. */
export function makeAccounts(n) {
  const stages = ['active', 'active', 'active', 'inactive'];
  const health = ['ok', 'ok', 'ok', 'degraded', 'failing', 'unknown', 'auth_failed'];
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const out = i % 5 !== 4;
    const inc = i % 3 === 0;
    return {
      id: 'acc_' + String(i).padStart(5, '0'),
      name: `Account ${String(i + 1).padStart(4, '0')}`,
      label: i % 4 === 0 ? 'Shared mailbox' : null,
      purpose: ['system', 'campaigns', 'customer_service'][i % 3],
      teamId: i % 2 ? 'team_sales' : null,
      stage: stages[i % 4],
      stageReason: null,
      health: health[i % 7],
      healthReason: null,
      debug: false,
      outgoing: out
        ? {
            transport: 'smtp',
            host: `smtp${i % 9}.example.com`,
            port: 587,
            security: 'starttls',
            allowInvalidCertificates: false,
            auth: { method: 'password', username: `user${i}@example.com`, hasPassword: true },
            from: { address: `team${i}@example.com`, name: 'Team' },
            fromFilter: [],
            sendMode: 'queued',
            rateLimitPerMinute: 0,
            verifiedAt: i % 2 ? new Date(now - i * 60000).toISOString() : null,
          }
        : null,
      incoming: inc
        ? {
            protocol: 'imap',
            host: `imap${i % 9}.example.com`,
            port: 993,
            security: 'tls',
            allowInvalidCertificates: false,
            auth: { method: 'password', username: `user${i}@example.com`, hasPassword: true },
            mailbox: 'INBOX',
            pollIntervalSec: 60,
            afterFetch: 'keep',
            enabled: true,
          }
        : null,
      lastTest: {},
      defaults: i === 0 ? [{ teamId: null, direction: 'outgoing' }] : [],
      createdAt: new Date(now - 86400000 * 30).toISOString(),
      createdBy: 'admin@example.com',
      updatedAt: new Date(now - i * 3600000).toISOString(),
      updatedBy: 'admin@example.com',
    };
  });
}

/** Start the fixture server on 127.0.0.1:port (0 = any); resolves to its base URL and a close(). */
export async function startFixtureServer({ port = 0, accounts = 40 } = {}) {
  const items = makeAccounts(accounts);
  const me = {
    user: {
      id: 'u1',
      email: 'admin@example.com',
      name: 'Ada Admin',
      role: 'admin',
      teamIds: [],
      createdAt: new Date().toISOString(),
    },
    via: 'session',
    csrfToken: 'x',
  };
  const json = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    if (p.startsWith('/api/')) {
      if (p === '/api/v1/auth/me' || p === '/api/v1/auth/login') return json(res, 200, me);
      if (p === '/api/v1/teams')
        return json(res, 200, {
          items: [{ id: 'team_sales', name: 'Sales', createdAt: new Date().toISOString() }],
          total: 1,
          page: 1,
          pageSize: 50,
        });
      if (p === '/api/v1/accounts') {
        const pageSize = Number(url.searchParams.get('pageSize') ?? 50);
        const page = Number(url.searchParams.get('page') ?? 1);
        const q = (url.searchParams.get('q') ?? '').toLowerCase();
        const list = q ? items.filter((a) => a.name.toLowerCase().includes(q)) : items;
        return json(res, 200, {
          items: list.slice((page - 1) * pageSize, page * pageSize),
          total: list.length,
          page,
          pageSize,
        });
      }
      const m = p.match(/^\/api\/v1\/accounts\/([^/]+)$/);
      if (m) {
        const a = items.find((x) => x.id === m[1]);
        return a
          ? json(res, 200, a)
          : json(res, 404, { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' });
      }
      if (
        p.endsWith('/timeline') ||
        p.endsWith('/comments') ||
        p === '/api/v1/defaults' ||
        p === '/api/v1/logs' ||
        p === '/api/v1/messages' ||
        p === '/api/v1/users' ||
        p === '/api/v1/tokens'
      )
        return json(res, 200, { items: [], total: 0, page: 1, pageSize: 50 });
      return json(res, 404, { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' });
    }
    const file = normalize(join(dist, p === '/' ? 'index.html' : p));
    const ok = file.startsWith(dist) && extname(file) !== '';
    const served = ok ? file : join(dist, 'index.html');
    try {
      const body = await readFile(served);
      res.writeHead(200, { 'content-type': types[extname(served)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const { port: bound } = server.address();
  return { url: `http://127.0.0.1:${bound}`, close: () => new Promise((r) => server.close(r)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = await startFixtureServer({
    port: Number(process.env.PORT ?? 4173),
    accounts: Number(process.argv[2] ?? 40),
  });
  console.log('fixture UI at', s.url);
}
