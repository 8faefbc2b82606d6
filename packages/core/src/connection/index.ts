export { classifyError, classifyReply, type ReplyInput, type Where } from './classify';
export { type EngineOptions, type EngineResult, type ResolvedPart, runConnectionTest } from './engine';
export { type ConnectionErrorInfo, ConnectionFailure } from './failure';
export { assertAllowed, type CheckedAddress, type Destination, resolveDestination } from './guard';
export { defaultHints } from './hints';
export { type GuardedResponse, guardedRequest, pinnedLookup } from './http/guardedRequest';
export { type BlockReason, blockReason } from './ranges';
export { testAccount } from './testAccount';
export { testConnection } from './testConnection';
