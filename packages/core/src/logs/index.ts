export { compileConditions } from './conditions';
export { startLogPruner } from './logPruner';
export { pruneLogs } from './pruneLogs';
export { type LogPage, queryLogs } from './queryLogs';
export { createLogWriter, writeLogs } from './writeLog';
