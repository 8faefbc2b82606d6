export * from './accounts';
export * from './auth';
export * from './autoconfig';
export * from './bounces';
export * from './connection';
export * from './context';
export {
  type Database,
  type DatabaseOptions,
  type Db,
  isSharedDatabase,
  migrationsFolder,
  openDatabase,
  pingDatabase,
  type Queryable,
} from './db/client';
export { type CopiedTable, CopyRefused, type CopyReport, copyDatabase } from './db/copyDatabase';
export * as tables from './db/schema';
export * from './defaults';
export * from './deliverability';
export * from './dkim';
export * from './door';
export * from './errors';
export * from './health';
export { newId } from './ids';
export * from './incoming';
export * from './leases';
export { compileConditions, type LogPage, queryLogs, writeLogs } from './logs';
export { createLogWriter } from './logs/writeLog';
export { metricsText } from './metrics/metricsText';
export * from './oauth';
export * from './outbox';
export * from './providers';
export * from './reports';
export * from './retention';
export * from './routing';
export * from './schemas';
export { hashPassword, randomToken, safeEqual, sha256, verifyPassword } from './security/hash';
export { maskSecrets, redact } from './security/redact';
export {
  createSecretBox,
  generateKeySpec,
  type KeyEntry,
  parseKeySpec,
  type SecretBox,
} from './security/secretBox';
export * from './suppressions';
export * from './transport';
export * from './verification';
export * from './webhooks';
