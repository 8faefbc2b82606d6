export { type DiscoverOptions, discoverSettings } from './discoverSettings';
export { autoconfigUrls } from './fromXml';
export {
  type AutoconfigResult,
  autoconfigQuerySchema,
  autoconfigResultSchema,
  type ProposedServer,
  proposedServerSchema,
  type SourceReport,
  sourceReportSchema,
} from './schema';
export { parseAutoconfigXml } from './xml';
