// The guarded door: the one place Mailroom opens an outbound connection. Every destination is
// resolved once and every address checked (destination.ts, ranges.ts); sockets go only to checked
// addresses (tcp.ts, tls.ts); HTTP requests never follow redirects and take https:// only (http.ts,
// httpUrl.ts); everything is bounded in time. tests/security/door.test.ts keeps it the only place.
export { assertAllowed, type CheckedAddress, type Destination, resolveDestination } from './destination';
export {
  type DnsOptions,
  lookupAddresses,
  lookupMx,
  lookupSrv,
  lookupTxt,
  type MxRecord,
  rawDnsLookup,
  type SrvRecord,
} from './dns';
export { closeIdleConnections, type GuardedResponse, guardedRequest, pinnedLookup } from './http';
export { httpUrlProblem } from './httpUrl';
export { evaluateSpf, findDmarcRecord, type SpfOutcome, verifyDkim } from './mailauth';
export { type BlockReason, blockReason, isLoopbackHost } from './ranges';
export { connectTcp } from './tcp';
export { describeTls, startTls } from './tls';
