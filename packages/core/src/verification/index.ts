export { CODE_TTL_MS, MAX_ATTEMPTS, MAX_PER_HOUR, RESEND_AFTER_MS } from './code';
export { confirmVerification } from './confirmVerification';
export { getVerification } from './getVerification';
export { startVerification } from './startVerification';
