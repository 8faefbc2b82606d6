// OAuth2, client side: connecting an account (code flow with PKCE, device flow) and its tokens' lifecycle.
export { accountAccessToken, forgetAccessTokens, OAuthRevoked, refreshStats } from './accessTokens';
export { type CallbackResult, completeCallback } from './completeCallback';
export { getAuthorization } from './getAuthorization';
export { DEVICE_GRANT, pollDeviceAuthorization } from './pollDevice';
export { endpointsFromMetadata, lookupOAuthProvider, registerOAuthProvider } from './providers';
export * from './schemas';
export { CALLBACK_PATH, STATE_TTL_MS, type StartOptions, startAuthorization } from './startAuthorization';
export { AUTHORIZATION_USE_TTL_MS } from './takeAuthorization';
