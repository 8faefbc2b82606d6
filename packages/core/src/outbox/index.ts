export { cancelMessage } from './cancelMessage';
export { claimBatch } from './claimBatch';
export { type Attempted, deliverMessage } from './deliverMessage';
export { getMessage } from './getMessage';
export { listMessages } from './listMessages';
export { createOutbox, type Outbox, type OutboxOptions } from './outbox';
export { defaultOutboxPolicy, type OutboxPolicy, retryDelayMs } from './policy';
export { type Recorded, recordOutcomes } from './recordOutcomes';
export { retryMessage } from './retryMessage';
export type { MessageRow } from './rows';
export { runWorker, type WorkerEvent, type WorkerOptions } from './runWorker';
export { fillTemplate, sendBulk } from './sendBulk';
export {
  allSuppressed,
  deliveryFailed,
  type SendMessageOutcome,
  type SendResult,
  sendMessage,
} from './sendMessage';
export { type StartedWorker, startWorker } from './startWorker';
export { newWorkerId } from './workerId';
