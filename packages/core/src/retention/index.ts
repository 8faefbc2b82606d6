export { type RetentionKind, retentionKinds, retentionLabels } from './kinds';
export { type PruneOptions, pruneRetention, type RetentionRun } from './pruneRetention';
export { startRetention } from './startRetention';
export { type Vacuumed, vacuumEmbedded } from './vacuumEmbedded';
