import type { Ctx } from '../context';
import type { Webhook } from '../schemas/webhooks';
import { loadWebhook } from './loadWebhook';
import { toWebhook } from './view';

/** One endpoint, without its secret. */
export async function getWebhook({ ctx, id }: { ctx: Ctx; id: string }): Promise<Webhook> {
  return toWebhook(await loadWebhook(ctx, id), ctx.now());
}
