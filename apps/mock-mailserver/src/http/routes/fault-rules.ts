import { FaultRuleError } from '../../faults/rules.js';
import type { FaultRule } from '../../types.js';
import type { HttpContext } from '../context.js';
import { HttpError, json, readJson } from '../respond.js';
import type { Router } from '../router.js';

/**
 * One rule at a time, for the web page: `POST /api/faults/rules` adds one at the end,
 * `DELETE /api/faults/rules/:index` removes one. The other rules keep their firing counts and
 * the probability generator runs on (`PUT /api/faults` replaces the whole list and restarts both).
 */
export function faultRuleRoutes(router: Router, ctx: HttpContext): void {
  const state = () => ({ rules: ctx.faults.list(), fired: ctx.faults.fired() });

  router.on('POST', '/api/faults/rules', async ({ req, res }) => {
    const body = await readJson(req);
    try {
      ctx.faults.add(body as FaultRule);
    } catch (error) {
      if (!(error instanceof FaultRuleError)) throw error;
      // The rule is the body, so its fields are named bare (`stage`, not `[0].stage`).
      const errors = error.errors.map((e) => ({ ...e, path: e.path.replace(/^\[0\]\.?/, '') }));
      throw new HttpError(400, error.message.replace('[0].', ''), { errors });
    }
    json(res, 201, state());
  });

  router.on('DELETE', '/api/faults/rules/:index', ({ res, params }) => {
    if (!ctx.faults.remove(Number(params.index))) throw new HttpError(404, 'fault rule not found');
    json(res, 200, state());
  });
}
