export { classifyMessage } from './classify';
export type {
  AutoReplyClassification,
  BounceClassification,
  Classification,
  ClassifyOptions,
  ComplaintClassification,
  RecipientReport,
} from './types';
export {
  createVerpToken,
  MAX_LOCAL_PART,
  parseVerp,
  readVerpToken,
  type VerpTarget,
  type VerpTokenKey,
  verpAddress,
} from './verp';
