import { isLoopbackHost } from './ranges';

/**
 * Why an HTTP API base URL may not be used, or null. Secrets travel in these requests (API keys, client
 * secrets, refresh tokens): `https://` only, plain `http://` only to loopback where private hosts are
 * allowed (the mock mail server), and never credentials in the URL itself.
 */
export function httpUrlProblem(url: string, allowPrivateHosts: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be a URL';
  }
  if (u.username || u.password) return 'must not carry a username or password (user:pass@)';
  if (u.protocol === 'https:') return null;
  if (u.protocol !== 'http:') return 'must be an https:// URL';
  if (allowPrivateHosts && isLoopbackHost(u.hostname)) return null;
  return allowPrivateHosts
    ? 'must be an https:// URL (plain http:// only on loopback)'
    : 'must be an https:// URL';
}
