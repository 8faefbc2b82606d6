import type { ServerResponse } from 'node:http';
import type { StoredMessage } from '../../../types.js';
import type { HttpContext } from '../../context.js';
import { json } from '../../respond.js';
import type { RouteRequest, Router } from '../../router.js';
import { MailpitError, mailpit, NOT_FOUND, resolveMessage } from './common.js';
import { headersOf, messageShape } from './shape.js';

/** Picks the newest message matching `?query=` for `latest`; the search module provides it. */
export type LatestMatching = (query: URLSearchParams) => (() => StoredMessage | undefined) | undefined;

// Mail content is served from the mock's own origin, next to its web page: like the mock's
// own routes, it comes with a sandbox CSP and nosniff so nothing in a message can run here.
const INERT = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
  'cache-control': 'no-store',
};

function send(res: ServerResponse, body: Buffer | string, headers: Record<string, string>): void {
  res.writeHead(200, { ...INERT, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

// Types a browser would render as a document are sent as downloads, as Mailpit does.
const ACTIVE = new Set([
  'text/html',
  'text/xml',
  'application/xhtml+xml',
  'image/svg+xml',
  'application/xml',
  'text/xsl',
]);

/** `/api/v1/message/{ID}…`: one message, its headers, source and parts; `/view/{ID}.html|.txt`. */
export function mailpitMessageRoutes(router: Router, ctx: HttpContext, latestMatching: LatestMatching): void {
  const resolve = ({ params, query }: RouteRequest) => resolveMessage(ctx, params.id!, latestMatching(query));

  router.on(
    'GET',
    '/api/v1/message/:id',
    mailpit((request) => {
      const message = resolve(request);
      // Reading a message through the API marks it read, as in Mailpit.
      const read = ctx.store.update(message.id, { read: true }) ?? message;
      json(request.res, 200, messageShape(ctx.store, read));
    }),
  );

  router.on(
    'GET',
    '/api/v1/message/:id/headers',
    mailpit(async (request) => {
      const raw = await ctx.store.raw(resolve(request).id);
      if (!raw) throw new MailpitError(404, NOT_FOUND);
      json(request.res, 200, headersOf(raw));
    }),
  );

  router.on(
    'GET',
    '/api/v1/message/:id/raw',
    mailpit(async (request) => {
      const message = resolve(request);
      const raw = await ctx.store.raw(message.id);
      if (!raw) throw new MailpitError(404, NOT_FOUND);
      send(request.res, raw, {
        'content-type': 'text/plain; charset=utf-8',
        ...(request.query.get('dl') === '1'
          ? { 'content-disposition': `attachment; filename="${message.id}.eml"` }
          : {}),
      });
    }),
  );

  router.on(
    'GET',
    '/api/v1/message/:id/part/:partId',
    mailpit((request) => {
      const message = resolve(request);
      const info = message.attachments.find((a) => a.partId === request.params.partId);
      const part = info && ctx.store.attachment(message.id, info.index);
      if (!part) throw new MailpitError(404, NOT_FOUND);
      const fileName = part.info.filename ?? (part.info.contentId ?? '').replace(/^<|>$/g, '');
      const active = ACTIVE.has(part.info.contentType.split(';')[0]!.trim().toLowerCase());
      send(request.res, part.content, {
        'content-type': active ? 'application/octet-stream' : part.info.contentType,
        'content-disposition': `${active ? 'attachment' : 'inline'}; filename="${encodeURIComponent(fileName)}"`,
      });
    }),
  );

  // Thumbnails need an image decoder the mock does not carry; a client gets Mailpit's 404.
  router.on(
    'GET',
    '/api/v1/message/:id/part/:partId/thumb',
    mailpit(() => {
      throw new MailpitError(404, NOT_FOUND);
    }),
  );

  // Mailpit's rendered views, which its client's renderMessageHTML() / renderMessageText() read.
  router.on(
    'GET',
    '/view/:file',
    mailpit((request) => {
      const match = /^(.+)\.(html|txt)$/.exec(request.params.file!);
      if (!match) throw new MailpitError(404, NOT_FOUND);
      const message = resolveMessage(ctx, match[1]!, latestMatching(request.query));
      if (match[2] === 'txt')
        return send(request.res, message.text, { 'content-type': 'text/plain; charset=utf-8' });
      if (message.html === null) throw new MailpitError(404, NOT_FOUND);
      send(request.res, message.html, { 'content-type': 'text/html; charset=utf-8' });
    }),
  );
}
