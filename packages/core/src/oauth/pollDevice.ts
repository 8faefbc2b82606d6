import { eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { oauthAuthorizations } from '../db/schema';
import { tokenRequest } from './endpoint';
import { endAuthorization, finishAuthorization } from './finishAuthorization';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const realSleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms).unref?.());

/**
 * Polls the token endpoint for a device authorization (RFC 8628 3.4/3.5) until it ends: waits `interval`
 * between polls, adds 5 s on `slow_down` (and keeps it), stops on approval, `access_denied`,
 * `expired_token` or the code's own expiry. Bounded by the expiry; `sleep` is injected by tests.
 */
export async function pollDeviceAuthorization(
  ctx: Ctx,
  id: string,
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<void> {
  for (;;) {
    const [row] = await ctx.db.select().from(oauthAuthorizations).where(eq(oauthAuthorizations.id, id));
    if (!row || row.status !== 'pending') return;
    const interval = row.interval ?? 5;
    await sleep(interval * 1000);
    if (ctx.now() >= row.expiresAt) {
      await endAuthorization(ctx, id, 'expired', 'The user code expired before it was approved');
      return;
    }
    const deviceCode = row.secrets.deviceCode ? ctx.secrets.decrypt(row.secrets.deviceCode) : null;
    if (!deviceCode) return;
    const fields: Record<string, string> = {
      grant_type: DEVICE_GRANT,
      device_code: deviceCode,
      client_id: row.clientId,
    };
    if (row.secrets.clientSecret) fields.client_secret = ctx.secrets.decrypt(row.secrets.clientSecret);
    let answer: Awaited<ReturnType<typeof tokenRequest>>;
    try {
      answer = await tokenRequest(ctx, row.endpoints.tokenEndpoint, fields);
    } catch {
      // The endpoint did not answer: try again at the next interval (the expiry bounds it).
      continue;
    }
    if (answer.ok) {
      await finishAuthorization(ctx, row, answer.tokens);
      return;
    }
    if (answer.error === 'authorization_pending') continue;
    if (answer.error === 'slow_down') {
      await ctx.db
        .update(oauthAuthorizations)
        .set({ interval: interval + 5 })
        .where(eq(oauthAuthorizations.id, id));
      continue;
    }
    if (answer.error === 'access_denied') {
      await endAuthorization(ctx, id, 'denied', 'The sign-in was denied');
    } else if (answer.error === 'expired_token') {
      await endAuthorization(ctx, id, 'expired', 'The user code expired before it was approved');
    } else {
      await endAuthorization(
        ctx,
        id,
        'error',
        `The token endpoint refused (${answer.error}${answer.description ? `: ${answer.description}` : ''})`,
      );
    }
    return;
  }
}
