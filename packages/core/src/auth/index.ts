export { ensureFirstAdmin } from './firstAdmin';
export { login, logout, resolveSession, SESSION_TTL_MS } from './sessions';
export { createTeam, deleteTeam, listTeams, updateTeam } from './teams';
export * from './throttle';
export { createToken, listTokens, resolveToken, revokeToken, TOKEN_CACHE_MS } from './tokens';
export {
  assertAdmin,
  changePassword,
  countUsers,
  createUser,
  deleteUser,
  disableUser,
  enableUser,
  getUser,
  listUsers,
  resetPassword,
  updateProfile,
  updateUser,
} from './users';
