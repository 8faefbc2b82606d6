export { classifyError, classifyReply, type ReplyInput, type Where } from './classify';
export { type EngineOptions, type EngineResult, type ResolvedPart, runConnectionTest } from './engine';
export { type ConnectionErrorInfo, ConnectionFailure } from './failure';
export { defaultHints } from './hints';
export { testAccount } from './testAccount';
export { testConnection } from './testConnection';
