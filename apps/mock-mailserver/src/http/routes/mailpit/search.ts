import type { StoredMessage } from '../../../types.js';
import type { HttpContext } from '../../context.js';
import { json } from '../../respond.js';
import type { Router } from '../../router.js';
import { MailpitError, mailpit, ok, pageParams, withinBounds } from './common.js';
import { listAnswer } from './listing.js';
import { compileSearch } from './search-query.js';

/** The messages matching a Mailpit search, newest first. */
export function searchMessages(ctx: HttpContext, query: string, tz: string | null): StoredMessage[] {
  return ctx.store.query().filter(compileSearch(query, { tz: tz ?? undefined }));
}

/** The search query of a request; Mailpit's 400 when there is none. */
export function requiredQuery(query: URLSearchParams): string {
  const search = query.get('query')?.trim() ?? '';
  if (search === '') throw new MailpitError(400, 'Error: no search query');
  return search;
}

/** `/api/v1/search`: list or delete the messages matching a query. */
export function mailpitSearchRoutes(router: Router, ctx: HttpContext): void {
  router.on(
    'GET',
    '/api/v1/search',
    mailpit(({ res, query }) => {
      const page = pageParams(query);
      const matched = searchMessages(ctx, requiredQuery(query), query.get('tz')).filter((m) =>
        withinBounds(m, page),
      );
      json(res, 200, listAnswer(ctx.store, matched, page, true));
    }),
  );

  router.on(
    'DELETE',
    '/api/v1/search',
    mailpit(({ res, query }) => {
      for (const m of searchMessages(ctx, requiredQuery(query), query.get('tz'))) ctx.store.delete(m.id);
      ok(res);
    }),
  );
}
