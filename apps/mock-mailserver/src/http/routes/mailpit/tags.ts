import { cleanTag } from '../../../store/tags.js';
import type { HttpContext } from '../../context.js';
import { json } from '../../respond.js';
import type { Router } from '../../router.js';
import { MailpitError, mailpit, ok, readJsonBody, stringList } from './common.js';
import { tagCounts } from './listing.js';

const BODY_LIMIT = 8 * 1024 * 1024;

/** `/api/v1/tags`: list tags, set a message's tags, rename and delete a tag everywhere. */
export function mailpitTagsRoutes(router: Router, ctx: HttpContext): void {
  const tagged = (tag: string) => ctx.store.query().filter((m) => m.tags.includes(tag));

  router.on(
    'GET',
    '/api/v1/tags',
    mailpit(({ res }) => json(res, 200, [...tagCounts(ctx.store.query()).keys()])),
  );

  // Replaces the tags of each message named; an empty or missing `Tags` removes them all.
  router.on(
    'PUT',
    '/api/v1/tags',
    mailpit(async ({ req, res }) => {
      const body = await readJsonBody(req, BODY_LIMIT);
      if (body === undefined) throw new MailpitError(400, 'EOF');
      const ids = stringList(body, 'IDs') ?? [];
      const tags = stringList(body, 'Tags') ?? [];
      for (const id of ids) ctx.store.update(id, { tags });
      ok(res);
    }),
  );

  router.on(
    'PUT',
    '/api/v1/tags/:tag',
    mailpit(async ({ req, res, params }) => {
      const from = params.tag!;
      const body = await readJsonBody(req, BODY_LIMIT);
      const name = body && typeof body === 'object' ? (body as Record<string, unknown>).Name : undefined;
      const to = typeof name === 'string' ? cleanTag(name) : '';
      if (to === '') throw new MailpitError(400, `invalid tag name: ${typeof name === 'string' ? name : ''}`);
      const carriers = tagged(from);
      if (carriers.length === 0) throw new MailpitError(400, `tag not found: ${from}`);
      if (to !== from && to.toLowerCase() !== from.toLowerCase() && tagged(to).length > 0) {
        throw new MailpitError(400, `tag already exists: ${to}`);
      }
      for (const m of carriers)
        ctx.store.update(m.id, { tags: m.tags.map((tag) => (tag === from ? to : tag)) });
      ok(res);
    }),
  );

  // Takes the tag off every message; the messages stay.
  router.on(
    'DELETE',
    '/api/v1/tags/:tag',
    mailpit(({ res, params }) => {
      const tag = params.tag!;
      for (const m of tagged(tag)) ctx.store.update(m.id, { tags: m.tags.filter((t) => t !== tag) });
      ok(res);
    }),
  );
}
