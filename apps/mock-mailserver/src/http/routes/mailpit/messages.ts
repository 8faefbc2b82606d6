import type { HttpContext } from '../../context.js';
import { json } from '../../respond.js';
import type { Router } from '../../router.js';
import { MailpitError, mailpit, ok, pageParams, readJsonBody, stringList, withinBounds } from './common.js';
import { listAnswer } from './listing.js';
import { searchMessages } from './search.js';

const BODY_LIMIT = 8 * 1024 * 1024;

/** `/api/v1/messages`: the list, newest first; delete some or all; mark read or unread. */
export function mailpitMessagesRoutes(router: Router, ctx: HttpContext): void {
  router.on(
    'GET',
    '/api/v1/messages',
    mailpit(({ res, query }) => {
      const page = pageParams(query);
      const matched = ctx.store.query().filter((m) => withinBounds(m, page));
      json(res, 200, listAnswer(ctx.store, matched, page, false));
    }),
  );

  // `{ IDs }` deletes those (unknown ones are skipped); no body, no IDs or an unreadable body deletes all, as in Mailpit.
  router.on(
    'DELETE',
    '/api/v1/messages',
    mailpit(async ({ req, res }) => {
      let ids: string[] | undefined;
      try {
        ids = stringList(await readJsonBody(req, BODY_LIMIT), 'IDs');
      } catch (error) {
        if (!(error instanceof MailpitError)) throw error;
      }
      if (ids && ids.length > 0) for (const id of ids) ctx.store.delete(id);
      else ctx.store.deleteMatching({});
      ok(res);
    }),
  );

  // `{ Read, IDs }` or `{ Read, Search }`; neither marks every message.
  router.on(
    'PUT',
    '/api/v1/messages',
    mailpit(async ({ req, res, query }) => {
      const body = await readJsonBody(req, BODY_LIMIT);
      if (body === undefined) throw new MailpitError(400, 'EOF');
      const ids = stringList(body, 'IDs') ?? [];
      const fields = body as Record<string, unknown>;
      const read = fields.Read ?? false;
      if (typeof read !== 'boolean') throw new MailpitError(400, 'Read must be true or false');
      const search = fields.Search ?? '';
      if (typeof search !== 'string') throw new MailpitError(400, 'Search must be a string');
      if (ids.length > 0 && search !== '') {
        throw new MailpitError(400, 'You may specify either IDs or a search query, not both');
      }
      const targets =
        search !== ''
          ? searchMessages(ctx, search, query.get('tz')).map((m) => m.id)
          : ids.length > 0
            ? ids
            : ctx.store.query().map((m) => m.id);
      for (const id of targets) ctx.store.update(id, { read });
      ok(res);
    }),
  );
}
