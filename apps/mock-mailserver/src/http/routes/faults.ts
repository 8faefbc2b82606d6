import { FaultRuleError } from '../../faults/rules.js';
import type { HttpContext } from '../context.js';
import { HttpError, json, readJson } from '../respond.js';
import type { Router } from '../router.js';

/** `PUT` replaces the fault rules (a list, or `{ rules }`), `GET` lists them with their firings, `DELETE` clears. */
export function faultRoutes(router: Router, ctx: HttpContext): void {
  const state = () => ({ rules: ctx.faults.list(), fired: ctx.faults.fired() });

  router.on('GET', '/api/faults', ({ res }) => json(res, 200, state()));

  router.on('PUT', '/api/faults', async ({ req, res }) => {
    const body = await readJson(req);
    const rules = Array.isArray(body) ? body : (body as { rules?: unknown } | null)?.rules;
    try {
      ctx.faults.set(rules as never);
    } catch (error) {
      if (error instanceof FaultRuleError) throw new HttpError(400, error.message, { errors: error.errors });
      throw error;
    }
    json(res, 200, state());
  });

  router.on('DELETE', '/api/faults', ({ res }) => {
    ctx.faults.clear();
    json(res, 200, state());
  });
}
