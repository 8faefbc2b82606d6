import { summarize } from '../../store/store.js';
import { filterFrom, type HttpContext, intParam } from '../context.js';
import { HttpError, json } from '../respond.js';
import type { RouteRequest, Router } from '../router.js';

function found<T>(value: T | undefined, what = 'message'): T {
  if (value === undefined) throw new HttpError(404, `${what} not found`);
  return value;
}

/** Sends a body that a browser must never run in this origin. */
function sendInert(
  { res }: RouteRequest,
  body: Buffer | string,
  contentType: string,
  disposition?: string,
): void {
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
    'cache-control': 'no-store',
    ...(disposition ? { 'content-disposition': disposition } : {}),
  });
  res.end(body);
}

const contentDisposition = (kind: string, filename: string) =>
  `${kind}; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;

/** Message listing, reading and deleting, plus reset and health. */
export function messageRoutes(router: Router, ctx: HttpContext): void {
  router.on('GET', '/healthz', ({ res }) => json(res, 200, { ok: true, messages: ctx.store.size }));

  router.on('GET', '/api/messages', ({ res, query }) => {
    const limit = intParam(query, 'limit', 50, 1, 1000);
    const page = ctx.store.list(filterFrom(query), { after: query.get('after') || undefined, limit });
    json(res, 200, { items: page.items.map(summarize), total: page.total, next: page.next });
  });

  router.on('DELETE', '/api/messages', ({ res, query }) => {
    json(res, 200, { deleted: ctx.store.deleteMatching(filterFrom(query)) });
  });

  router.on('POST', '/api/reset', ({ res }) => {
    ctx.reset();
    json(res, 200, { ok: true });
  });

  router.on('GET', '/api/messages/:id', ({ res, params }) => {
    json(res, 200, found(ctx.store.get(params.id!)));
  });

  router.on('DELETE', '/api/messages/:id', ({ res, params }) => {
    if (!ctx.store.delete(params.id!)) throw new HttpError(404, 'message not found');
    json(res, 200, { deleted: 1 });
  });

  router.on('GET', '/api/messages/:id/raw', async (request) => {
    const raw = found(await ctx.store.raw(request.params.id!));
    const download = request.query.get('download');
    sendInert(
      request,
      raw,
      download ? 'message/rfc822' : 'text/plain; charset=utf-8',
      download ? contentDisposition('attachment', `${request.params.id}.eml`) : undefined,
    );
  });

  router.on('GET', '/api/messages/:id/html', (request) => {
    const message = found(ctx.store.get(request.params.id!));
    // cid: references point at the message's own attachments.
    const html = (message.html ?? '').replace(
      /(["'(])cid:([^"')\s]+)/gi,
      (whole, quote: string, cid: string) => {
        const index = message.attachments.findIndex((a) => a.contentId?.replace(/^<|>$/g, '') === cid);
        return index === -1 ? whole : `${quote}/api/messages/${message.id}/attachments/${index}`;
      },
    );
    sendInert(request, html, 'text/html; charset=utf-8');
  });

  router.on('GET', '/api/messages/:id/attachments/:index', (request) => {
    const attachment = found(
      ctx.store.attachment(request.params.id!, Number(request.params.index)),
      'attachment',
    );
    const { info, content } = attachment;
    const inline = info.contentType.startsWith('image/') && !info.contentType.includes('svg');
    sendInert(
      request,
      content,
      info.contentType,
      contentDisposition(inline ? 'inline' : 'attachment', info.filename ?? `attachment-${info.index}`),
    );
  });
}
