// An OAuth2 sign-in's status and the results its callback redirects with: the web puts each in words.
import { z } from 'zod';

export const oauthStatusSchema = z.enum(['pending', 'connected', 'denied', 'expired', 'error']);
export type OAuthStatus = z.infer<typeof oauthStatusSchema>;

/**
 * Where the callback sends the browser back (`?oauth=<result>`): an authorization's end, or `invalid` when
 * no pending sign-in has the state it brought (replayed, foreign or made up). The web says each in words.
 */
export const oauthCallbackResultSchema = z.enum(['connected', 'denied', 'expired', 'error', 'invalid']);
export type OAuthCallbackResult = z.infer<typeof oauthCallbackResultSchema>;
