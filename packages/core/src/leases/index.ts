export { type LeaseTable, leaseTables } from './leaseTables';
export { type Presence, type PresenceEvent, type PresenceOptions, startPresence } from './presence';
export { describeReleased, forgetWorkers, type ReapedWorker, reapWorkers } from './reapWorkers';
export { releaseLeasesAtStart } from './releaseAtStart';
export { type Released, releaseLeases } from './releaseLeases';
