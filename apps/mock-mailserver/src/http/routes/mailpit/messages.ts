import type { HttpContext } from '../../context.js';
import { json } from '../../respond.js';
import type { Router } from '../../router.js';
import { mailpit, pageParams, withinBounds } from './common.js';
import { listAnswer } from './listing.js';

/** `/api/v1/messages`: the list, newest first. */
export function mailpitMessagesRoutes(router: Router, ctx: HttpContext): void {
  router.on(
    'GET',
    '/api/v1/messages',
    mailpit(({ res, query }) => {
      const page = pageParams(query);
      const matched = ctx.store.query().filter((m) => withinBounds(m, page));
      json(res, 200, listAnswer(ctx.store, matched, page));
    }),
  );
}
