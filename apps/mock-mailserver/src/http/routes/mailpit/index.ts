import type { HttpContext } from '../../context.js';
import type { Router } from '../../router.js';
import { mailpitInfoRoutes } from './info.js';
import { mailpitMessageRoutes } from './message.js';
import { mailpitMessagesRoutes } from './messages.js';
import { mailpitSearchRoutes, searchMessages } from './search.js';
import { mailpitSendRoutes } from './send.js';
import { mailpitTagsRoutes } from './tags.js';

/**
 * Mailpit's API v1, a second face of the mock: the routes Mailpit's clients call, with its
 * paths, parameters and JSON, over the same captured mail as the mock's own API.
 */
export function mailpitRoutes(router: Router, ctx: HttpContext): void {
  mailpitMessagesRoutes(router, ctx);
  mailpitSearchRoutes(router, ctx);
  mailpitTagsRoutes(router, ctx);
  mailpitInfoRoutes(router, ctx);
  mailpitSendRoutes(router, ctx);
  // `latest` with `?query=` is the newest message matching that search, as in Mailpit.
  mailpitMessageRoutes(router, ctx, (query) => {
    const search = query.get('query')?.trim();
    return search ? () => searchMessages(ctx, search, query.get('tz'))[0] : undefined;
  });
}
