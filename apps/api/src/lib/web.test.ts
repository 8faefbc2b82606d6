import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { mountWeb } from './web';

const page = (asset: string) =>
  `<!doctype html><title>Mailroom</title><script type="module" src="/assets/${asset}"></script>`;

let dist = '';
afterEach(() => {
  if (dist) rmSync(dist, { recursive: true, force: true });
});

describe('mountWeb', () => {
  it('answers a client-side route with the index.html on disk now, so a rebuilt UI is not half old', async () => {
    dist = mkdtempSync(join(tmpdir(), 'mailroom-web-'));
    writeFileSync(join(dist, 'index.html'), page('index-old.js'));
    const app = new Hono();
    mountWeb(app, dist);
    expect(await (await app.request('/login')).text()).toContain('index-old.js');
    // A new build empties dist/ and writes index.html and its hashed assets afresh; the old assets are gone.
    rmSync(join(dist, 'index.html'));
    writeFileSync(join(dist, 'index.html'), page('index-new.js'));
    for (const path of ['/', '/login', '/accounts/123']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(await res.text(), path).toContain('index-new.js');
    }
    expect((await app.request('/api/v1/nothing')).status).toBe(404);
  });
});
