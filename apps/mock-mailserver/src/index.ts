/** @mailroom/mock-mailserver: a real SMTP/POP3 mock mail server with an HTTP API, for tests. */
export { DEFAULT_CODE_PATTERN, extractCodes } from './codes/extract.js';
export { FaultRuleError } from './faults/rules.js';
export { OAuthProvider } from './oauth/provider.js';
export { DEFAULTS, type MockMailServer, startMockMailServer } from './server.js';
export { generateSelfSignedCertificate } from './tls/certificate.js';
export type * from './types.js';
