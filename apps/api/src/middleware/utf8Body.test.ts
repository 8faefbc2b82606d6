import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { onError, problem } from '../lib/problem';
import { unstorableText, utf8Body } from './utf8Body';

/** The API's order: body limit, then (after auth) the UTF-8 check, then a route with a zod body. */
function app() {
  const a = new OpenAPIHono();
  a.onError(onError);
  a.use('*', bodyLimit({ maxSize: 64, onError: (c) => problem(c, 413, 'payload_too_large', 'too large') }));
  a.use('*', utf8Body());
  a.openapi(
    createRoute({
      method: 'post',
      path: '/teams',
      request: { body: { content: { 'application/json': { schema: z.object({ name: z.string() }) } } } },
      responses: { 200: { description: 'OK' } },
    }),
    (c) => c.json(c.req.valid('json'), 200),
  );
  a.post('/raw', async (c) => c.text(await c.req.text()));
  return a;
}

const post = (path: string, body: Uint8Array<ArrayBuffer>, type = 'application/json') =>
  app().request(path, { method: 'POST', headers: { 'content-type': type }, body });

describe('utf8Body', () => {
  it('leaves a valid body readable by the zod validator, multi-byte characters intact', async () => {
    const res = await post('/teams', new TextEncoder().encode('{"name":"Équipe ✓ 営業"}'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'Équipe ✓ 営業' });
  });

  it('refuses invalid UTF-8 with a 400 naming the body, before the route runs', async () => {
    const res = await post('/teams', new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      code: 'validation_failed',
      detail: 'The body is not valid UTF-8',
      errors: [{ path: '(body)', message: 'must be valid UTF-8 text' }],
    });
  });

  it('checks +json media types and a charset parameter alike', async () => {
    const bad = new Uint8Array([0x22, 0xc0, 0xaf, 0x22]);
    expect((await post('/raw', bad, 'application/merge-patch+json')).status).toBe(400);
    expect((await post('/raw', bad, 'application/json; charset=latin1')).status).toBe(400);
    // Other media types are for their own parsers (none take raw bytes today).
    expect((await post('/raw', bad, 'application/octet-stream')).status).toBe(200);
  });

  it('keeps the body limit for a body without Content-Length (streamed)', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"name":"${'x'.repeat(100)}"}`));
        controller.close();
      },
    });
    const res = await app().request('/teams', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('refuses escapes no text column holds (NUL, a lone surrogate), naming the field', async () => {
    for (const name of ['a\\u0000b', 'a\\ud800', '\\udc00b']) {
      const res = await post('/teams', new TextEncoder().encode(`{"name":"${name}"}`));
      expect(res.status, name).toBe(400);
      expect(await res.json()).toMatchObject({ errors: [{ path: 'name' }] });
    }
    // A pair is one character; an escaped backslash before u0000 is text.
    const ok = await post('/teams', new TextEncoder().encode('{"name":"\\ud83d\\ude00 \\\\u0000"}'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ name: '\u{1F600} \\u0000' });
  });
});

describe('unstorableText', () => {
  it('names the path of the first bad string, keys included, at any depth without recursion', () => {
    expect(unstorableText({ a: [1, { b: 'x\0' }] })?.path).toBe('a.1.b');
    expect(unstorableText({ 'k\ud800': 1 })?.path).toBe('k\ud800');
    let deep: unknown = 'bad\udfff';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableText(deep)?.message).toMatch(/surrogate/);
    expect(unstorableText({ ok: 'Équipe \u{1F600}', n: null })).toBeNull();
  });
});
