export { combineHealth, directionsOf, healthWith, healthWords, partOf } from './combine';
export { healthFromTests, type LastTest, partFromTest } from './fromTests';
export {
  afterPoll,
  POLL_BACKOFF_CAP_MS,
  POLL_REMINDER_MS,
  type PollReport,
  type PollState,
  pollDelayMs,
} from './pollBackoff';
export { recordSendHealth, sendsHealthy } from './sendHealth';
export { type HealthChange, setHealthPart } from './setHealthPart';
export { loadTraffic, noTraffic, sendFacts, type TrafficOf, type TrafficRow, upsertTraffic } from './traffic';
