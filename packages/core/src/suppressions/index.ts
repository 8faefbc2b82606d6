export { assertCanManage } from './access';
export { addSuppression } from './addSuppression';
export { markSuppressed, recordSuppressedAtSend, type SuppressedAtSend } from './atSend';
export { exportSuppressions } from './exportSuppressions';
export { importSuppressions } from './importSuppressions';
export { listSuppressions } from './listSuppressions';
export { removeSuppression } from './removeSuppression';
export { suppressAddresses, suppressedAmong } from './suppressAddress';
export { normalAddress, toSuppressionView } from './view';
