export { providerCatalog } from './catalog';
export { catalogFor } from './forConfig';
export { type Catalog, createCatalog, findProvider, providerForDomain } from './lookup';
export { type MockProviderPorts, mockProvider } from './mock';
export {
  type AuthMethod,
  authMethodSchema,
  type Provider,
  type ProviderInput,
  type ProviderOAuth,
  type ProviderServer,
  providerOAuthSchema,
  providerSchema,
  providerServerSchema,
} from './schema';
