export { forgetTokens, TOKEN_CACHE_MS } from './cache';
export { createToken } from './createToken';
export { listTokens } from './listTokens';
export { resolveToken } from './resolveToken';
export { revokeToken } from './revokeToken';
