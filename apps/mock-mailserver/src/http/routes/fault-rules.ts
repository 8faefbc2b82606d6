import { FaultRuleError } from '../../faults/rules.js';
import type { FaultRule, FaultRuleState } from '../../types.js';
import type { HttpContext } from '../context.js';
import { HttpError, json, readJson } from '../respond.js';
import type { Router } from '../router.js';

/**
 * A listed rule as it must be set again so it behaves as before: a rule with a count keeps the
 * firings it had left; a used-up one is left out (null).
 */
function carriedOver({ index: _i, firedCount: _f, remaining, ...rule }: FaultRuleState): FaultRule | null {
  if (remaining === null) return rule;
  return remaining > 0 ? { ...rule, count: remaining } : null;
}

/** Replaces the rules with `rules`; a 400 names each bad field, under `path` for the new rule. */
function replace(ctx: HttpContext, rules: FaultRule[], newAt?: number): void {
  try {
    ctx.faults.set(rules);
  } catch (error) {
    if (!(error instanceof FaultRuleError)) throw error;
    // Paths come as `[n].field`; the new rule is the body, so its fields are named bare.
    const errors = error.errors.map((e) =>
      newAt !== undefined && e.path.startsWith(`[${newAt}]`)
        ? { ...e, path: e.path.replace(/^\[\d+\]\.?/, '') }
        : e,
    );
    throw new HttpError(400, error.message.replace(`[${newAt}].`, ''), { errors });
  }
}

/**
 * One rule at a time, for the web page: `POST /api/faults/rules` adds one at the end,
 * `DELETE /api/faults/rules/:index` removes one. Both set the whole list again, so the other
 * rules' firing counts restart (a rule with a count keeps what it had left) and the
 * probability generator is seeded afresh, as with `PUT /api/faults`.
 */
export function faultRuleRoutes(router: Router, ctx: HttpContext): void {
  const state = () => ({ rules: ctx.faults.list(), fired: ctx.faults.fired() });
  const kept = () => ctx.faults.list().flatMap((rule) => carriedOver(rule) ?? []);

  router.on('POST', '/api/faults/rules', async ({ req, res }) => {
    const body = await readJson(req);
    const rules = kept();
    replace(ctx, [...rules, body as FaultRule], rules.length);
    json(res, 201, state());
  });

  router.on('DELETE', '/api/faults/rules/:index', ({ res, params }) => {
    const index = Number(params.index);
    const current = ctx.faults.list();
    if (!Number.isInteger(index) || !current[index]) throw new HttpError(404, 'fault rule not found');
    replace(
      ctx,
      current.flatMap((rule, i) => (i === index ? [] : (carriedOver(rule) ?? []))),
    );
    json(res, 200, state());
  });
}
