// The routes' contract with the OpenAPI document: every endpoint is in it, and every parameter a handler
// reads is declared there. Handlers read input only through c.req.valid(...) (the Biome plugin
// tooling/biome/route-reads-valid.grit refuses anything else), so walking those reads in the sources and
// the operations of /api/openapi.json proves the document complete.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { timelineEventSchema } from '@mailroom/core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, json, type TestApp } from '../testing';

type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, unknown> };
};
type Doc = { paths: Record<string, Record<string, Operation>> };

/** What one handler reads: c.req.valid(target), and the fields it picks from it (c.req.valid('query').limit). */
type Read = { file: string; method: string; path: string; target: string; fields: string[] };

const routesDir = new URL('.', import.meta.url).pathname;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? routeFiles(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every `router.openapi(createRoute({ method, path, … }), handler)` and the c.req reads of its handler. */
function handlerReads(file: string): { routes: Array<{ method: string; path: string }>; reads: Read[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const routes: Array<{ method: string; path: string }> = [];
  const reads: Read[] = [];
  const literal = (obj: ts.ObjectLiteralExpression, key: string) => {
    for (const p of obj.properties) {
      if (ts.isPropertyAssignment(p) && p.name.getText(source) === key && ts.isStringLiteral(p.initializer))
        return p.initializer.text;
    }
    return undefined;
  };
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'openapi'
    ) {
      const [route, handler] = node.arguments;
      const spec = route && ts.isCallExpression(route) ? route.arguments[0] : undefined;
      if (spec && ts.isObjectLiteralExpression(spec) && handler) {
        const method = literal(spec, 'method');
        const path = literal(spec, 'path');
        if (method && path) {
          routes.push({ method, path });
          const walk = (n: ts.Node) => {
            // c.req.<anything>: only valid(target) is a declared read; anything else is reported as such.
            if (
              ts.isPropertyAccessExpression(n) &&
              ts.isPropertyAccessExpression(n.expression) &&
              n.expression.name.text === 'req'
            ) {
              const call = n.parent;
              const arg = ts.isCallExpression(call) ? call.arguments[0] : undefined;
              const target =
                n.name.text === 'valid' && arg && ts.isStringLiteral(arg) ? arg.text : `raw:${n.name.text}`;
              const fields: string[] = [];
              const use = ts.isCallExpression(call) ? call.parent : undefined;
              if (use && ts.isPropertyAccessExpression(use)) fields.push(use.name.text);
              if (use && ts.isVariableDeclaration(use) && ts.isObjectBindingPattern(use.name)) {
                for (const el of use.name.elements) fields.push((el.propertyName ?? el.name).getText(source));
              }
              reads.push({ file, method, path, target, fields });
            }
            ts.forEachChild(n, walk);
          };
          walk(handler);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { routes, reads };
}

const parsed = routeFiles(routesDir).map(handlerReads);
const sourceRoutes = parsed.flatMap((p) => p.routes);
const reads = parsed.flatMap((p) => p.reads);

describe('the OpenAPI document declares every parameter the handlers read', () => {
  let t: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = await createTestApp();
    doc = await json(t.app.request('/api/openapi.json'));
  });
  afterAll(async () => {
    await t?.close();
  });

  const operation = (method: string, path: string) => doc.paths[`/api/v1${path}`]?.[method];
  const declared = (op: Operation | undefined, where: Parameter['in']) =>
    (op?.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);

  it('finds the routes in the sources (the walk itself works)', () => {
    expect(sourceRoutes.length).toBeGreaterThan(30);
    expect(reads.some((r) => r.target === 'query' && r.fields.includes('limit'))).toBe(true);
  });

  it('has every route of the sources as an operation, and every operation in the sources', () => {
    const inDoc = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const inSources = sourceRoutes.map((r) => `${r.method.toUpperCase()} /api/v1${r.path}`);
    expect([...inDoc].sort()).toEqual([...inSources].sort());
  });

  it('has every /api/v1 endpoint the app answers in the document (none registered outside it)', () => {
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const answered = t.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    expect(answered.length).toBeGreaterThan(30);
    expect(answered.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('reads input only through c.req.valid(...) in every handler', () => {
    const raw = reads.filter((r) => r.target.startsWith('raw:'));
    expect(raw.map((r) => `${r.method.toUpperCase()} ${r.path}: c.req.${r.target.slice(4)}`)).toEqual([]);
  });

  it('declares each part a handler reads: path, query, header and body, with the fields it picks', () => {
    const missing: string[] = [];
    for (const r of reads.filter((x) => !x.target.startsWith('raw:'))) {
      const op = operation(r.method, r.path);
      const name = `${r.method.toUpperCase()} ${r.path}`;
      if (!op) {
        missing.push(`${name}: no operation`);
        continue;
      }
      const where = ({ param: 'path', query: 'query', header: 'header' } as const)[r.target as 'param'];
      if (r.target === 'json') {
        if (!op.requestBody?.content['application/json']) missing.push(`${name}: no JSON body declared`);
      } else if (where) {
        const names = declared(op, where);
        if (names.length === 0) missing.push(`${name}: no ${where} parameters declared`);
        for (const f of r.fields)
          if (!names.includes(f)) missing.push(`${name}: ${where} "${f}" not declared`);
      } else missing.push(`${name}: reads c.req.valid('${r.target}')`);
    }
    expect(missing).toEqual([]);
  });

  it('declares every {placeholder} of a path as a required path parameter', () => {
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        for (const p of placeholders) {
          const param = op.parameters?.find((x) => x.in === 'path' && x.name === p);
          if (!param?.required) missing.push(`${method.toUpperCase()} ${path}: {${p}}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('declares the reason of DELETE /accounts/{id}, which the timeline then shows', async () => {
    expect(declared(operation('delete', '/accounts/{id}'), 'query')).toEqual(['reason']);
    const created = await json(
      t.call('POST', '/api/v1/accounts', {
        name: 'To be deleted',
        outgoing: { transport: 'smtp', host: 'smtp.example.com', from: { address: 'old@example.com' } },
      }),
    );
    const tooLong = await t.call('DELETE', `/api/v1/accounts/${created.id}?reason=${'x'.repeat(501)}`);
    expect(tooLong.status).toBe(400);
    expect((await json(tooLong)).errors).toEqual([expect.objectContaining({ path: 'reason' })]);

    const deleted = await t.call(
      'DELETE',
      `/api/v1/accounts/${created.id}?reason=${encodeURIComponent('moved to SES')}`,
    );
    expect(deleted.status).toBe(200);
    expect((await json(deleted)).stage).toBe('deleted');
    const timeline = z
      .object({ items: z.array(timelineEventSchema) })
      .parse(await json(t.call('GET', `/api/v1/accounts/${created.id}/timeline`)));
    expect(timeline.items[0]).toMatchObject({ type: 'stage_changed', summary: 'Deleted: moved to SES' });
  });

  it('declares the text GET /messages takes for status and internal, and the core still checks it', async () => {
    const list = operation('get', '/messages');
    expect(declared(list, 'query')).toEqual(expect.arrayContaining(['status', 'internal', 'page']));
    expect(declared(operation('post', '/messages'), 'header')).toEqual(['idempotency-key']);
    const ok = await t.call('GET', '/api/v1/messages?status=queued,sent&internal=true');
    expect(ok.status).toBe(200);
    const bad = await t.call('GET', '/api/v1/messages?status=sent,bogus');
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/^status/) }),
    ]);
  });
});
