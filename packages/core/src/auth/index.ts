export { ensureFirstAdmin } from './firstAdmin';
export { login, logout, resolveSession, SESSION_TTL_MS } from './sessions';
export * from './throttle';
export { createToken, listTokens, resolveToken, revokeToken } from './tokens';
export { assertAdmin, countUsers, createTeam, createUser, listTeams, listUsers } from './users';
