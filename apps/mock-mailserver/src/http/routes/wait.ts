import { WaitTimeoutError } from '../../store/store.js';
import type { MessageFilter, StoredMessage } from '../../types.js';
import { filterFrom, type HttpContext, intParam } from '../context.js';
import { HttpError, json } from '../respond.js';
import type { RouteRequest, Router } from '../router.js';

export const DEFAULT_WAIT_MS = 30_000;
const MAX_WAIT_MS = 300_000;

/**
 * Long-polls the store for the first message matching the request's filter after its `after`
 * cursor; 408 on timeout. The wait ends early when the client goes away.
 */
export async function waitForRequest(
  ctx: HttpContext,
  { res, query }: RouteRequest,
  filter: MessageFilter = filterFrom(query),
): Promise<StoredMessage> {
  const timeoutMs = intParam(query, 'timeoutMs', DEFAULT_WAIT_MS, 0, MAX_WAIT_MS);
  const afterSeq = ctx.store.resolveCursor(query.get('after'));
  const abort = new AbortController();
  const onClose = () => abort.abort(new Error('client went away'));
  res.once('close', onClose);
  ctx.open.add(res);
  try {
    return await ctx.store.waitFor(filter, afterSeq, timeoutMs, abort.signal);
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      throw new HttpError(408, `no matching message within ${timeoutMs} ms`, { cursor: ctx.store.cursor() });
    }
    throw error;
  } finally {
    res.off('close', onClose);
    ctx.open.delete(res);
  }
}

/** `GET /api/messages/wait`: the long poll. */
export function waitRoutes(router: Router, ctx: HttpContext): void {
  router.on('GET', '/api/messages/wait', async (request) => {
    json(request.res, 200, await waitForRequest(ctx, request));
  });
}
