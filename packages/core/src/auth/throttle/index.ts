export { checkLogin, type LoginAttempt, type LoginVerdict } from './checkLogin';
export {
  ADDRESS_LOCK_MS,
  ADDRESS_MAX_FAILURES,
  addressGroup,
  DELAY_BASE_MS,
  DELAY_MAX_MS,
  delayFor,
  FREE_FAILURES,
  LOGIN_WINDOW_MS,
} from './policy';
export { pruneLoginAttempts } from './pruneLoginAttempts';
export { releaseLoginAttempt } from './releaseLoginAttempt';
