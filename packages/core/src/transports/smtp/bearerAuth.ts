import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import {
  type BearerMechanism,
  bearerErrorAnswer,
  bearerMessage,
  pickBearerMechanism,
} from '../../connection/sasl/bearer';
import type { SaslMechanism } from '../../schemas/parts';
import type { OAuthTokenSource } from './oauthTokens';

/**
 * The name nodemailer runs the handler under, whatever mechanism it sends: not `XOAUTH2`, which nodemailer
 * keeps for its own token flow (without one it falls back to PLAIN), and one name for `auto`, decided inside.
 */
const METHOD = 'OAUTH2';

/**
 * nodemailer options for an OAuth2 sign-in: a custom AUTH handler (nodemailer's `customAuth`) that sends
 * XOAUTH2 or OAUTHBEARER with a token from `tokens`, answers the server's error challenge, and tries once
 * more with a renewed token when the server refused the first (as nodemailer's own XOAUTH2 does).
 */
export function bearerAuthOptions(
  user: string,
  setting: SaslMechanism | undefined,
  target: { host: string; port: number },
  tokens: OAuthTokenSource,
): {
  auth: { type: 'custom'; method: string; user: string };
  customAuth: SMTPConnection.CustomAuthenticationHandlers;
} {
  const handler = async (ctx: SMTPConnection.CustomAuthenticationContext) => {
    // nodemailer lists only the mechanisms it knows (PLAIN, LOGIN, CRAM-MD5, XOAUTH2): without XOAUTH2 the
    // server's bearer mechanism, if any, can only be OAUTHBEARER.
    const mechanism: BearerMechanism = pickBearerMechanism(
      setting,
      ctx.authMethods.includes('XOAUTH2') ? ['XOAUTH2'] : ['OAUTHBEARER'],
    );
    for (let renew = false; ; renew = true) {
      // A plain Error, as nodemailer's provisionCallback gets one (nodemailer rewrites the code of what it is given).
      const { accessToken } = await tokens.get(renew).catch((err: unknown) => {
        throw new Error(err instanceof Error ? err.message : String(err));
      });
      const payload = Buffer.from(bearerMessage(mechanism, user, accessToken, target)).toString('base64');
      // nodemailer's log shows `AUTH <mechanism> /* secret */` for this line, `/* secret */` for the next.
      let reply = await ctx.sendCommand(`AUTH ${mechanism} ${payload}`);
      const refused = reply.status === 334;
      // The error challenge (base64 JSON): the client's answer makes the server send its 535.
      if (refused) reply = await ctx.sendCommand(bearerErrorAnswer(mechanism));
      if (reply.status === 235) return true;
      if (!refused || renew) throw new Error(`AUTH ${mechanism} failed`);
    }
  };
  return { auth: { type: 'custom', method: METHOD, user }, customAuth: { [METHOD]: handler } };
}
