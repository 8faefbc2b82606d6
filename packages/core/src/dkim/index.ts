export { type DkimDnsRecord, dkimDnsRecord, generateDkimKey, generateDkimKeyAsync } from './keys';
