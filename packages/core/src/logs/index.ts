export { compileConditions } from './conditions';
export { type LogPage, queryLogs } from './queryLogs';
export { createLogWriter, writeLogs } from './writeLog';
