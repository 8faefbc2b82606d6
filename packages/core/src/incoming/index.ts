export { type FetchResult, fetchAccount } from './fetchAccount';
export { getInboxMessage, getInboxRaw, listInbox } from './inbox';
export { type Poller, startPoller } from './poller';
