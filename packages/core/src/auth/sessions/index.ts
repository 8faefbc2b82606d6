export { SESSION_TTL_MS } from './constants';
export { login } from './login';
export { logout } from './logout';
export { resolveSession } from './resolveSession';
