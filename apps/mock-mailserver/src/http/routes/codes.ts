import { compilePattern, extractCodes, InvalidPatternError } from '../../codes/extract.js';
import type { StoredMessage } from '../../types.js';
import { filterFrom, type HttpContext } from '../context.js';
import { HttpError, json } from '../respond.js';
import type { Router } from '../router.js';
import { waitForRequest } from './wait.js';

function pattern(query: URLSearchParams): RegExp {
  try {
    return compilePattern(query.get('pattern'));
  } catch (error) {
    if (error instanceof InvalidPatternError) {
      throw new HttpError(400, error.message, { errors: [{ path: 'pattern', message: error.message }] });
    }
    throw error;
  }
}

function codesBody(message: StoredMessage, regex: RegExp) {
  const { codes, links } = extractCodes(message, regex);
  return {
    id: message.id,
    cursor: message.cursor,
    receivedAt: message.receivedAt,
    subject: message.subject,
    code: codes[0]?.value ?? null,
    codes,
    links,
  };
}

/** Confirmation codes and links of one message, or of the newest message for a recipient. */
export function codeRoutes(router: Router, ctx: HttpContext): void {
  router.on('GET', '/api/messages/:id/codes', ({ res, params, query }) => {
    const message = ctx.store.get(params.id!);
    if (!message) throw new HttpError(404, 'message not found');
    json(res, 200, codesBody(message, pattern(query)));
  });

  router.on('GET', '/api/codes/latest', async (request) => {
    const { res, query } = request;
    const regex = pattern(query);
    const filter = filterFrom(query);
    // With `after` or `timeoutMs` this waits for the next message; otherwise it reads the newest one.
    const message =
      query.has('after') || query.has('timeoutMs')
        ? await waitForRequest(ctx, request, filter)
        : ctx.store.query(filter)[0];
    if (!message) throw new HttpError(404, 'no matching message');
    json(res, 200, codesBody(message, regex));
  });
}
