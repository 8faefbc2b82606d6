export { checkDeliverability, runDeliverability, sendingSetup } from './checkDeliverability';
export {
  type DeliverabilityCheck,
  type DeliverabilityResult,
  deliverabilityCheckSchema,
  deliverabilityResultSchema,
  type SendingSetup,
} from './schema';
