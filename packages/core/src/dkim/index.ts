export { type DkimDnsRecord, dkimDnsRecord, generateDkimKey } from './keys';
