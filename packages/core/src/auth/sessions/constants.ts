export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
