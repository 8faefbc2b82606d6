import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Ctx, defaultCoreConfig, systemActor } from '../context';
import { mockProvider } from '../providers';
import { startTestDnsServer, type TestDnsServer } from '../testing';
import { discoverSettings } from './discoverSettings';
import { autoconfigResultSchema } from './schema';

const XML = `<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="corp.test">
    <domain>corp.test</domain>
    <displayName>Corp &amp; Co</displayName>
    <incomingServer type="pop3">
      <hostname>pop.corp.test</hostname><port>995</port><socketType>SSL</socketType>
      <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.corp.test</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.corp.test</hostname><port>587</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>`;

let dns: TestDnsServer;
let http: Server;
let httpBase: string;
let documents: Record<string, { status: number; body: string }>;

beforeEach(async () => {
  dns = await startTestDnsServer({
    'workspace.test': { MX: [{ exchange: 'aspmx.l.google.com', priority: 1 }] },
    'tenant.test': { MX: [{ exchange: 'tenant-test.mail.protection.outlook.com', priority: 0 }] },
    'srv.test': { MX: [{ exchange: 'mx.srv.test', priority: 10 }] },
    '_submission._tcp.srv.test': { SRV: [{ target: 'mail.srv.test', port: 587 }] },
    '_imaps._tcp.srv.test': { SRV: [{ target: 'mail.srv.test', port: 993 }] },
    '_pop3s._tcp.srv.test': { SRV: [{ target: '.', port: 0 }] },
    'broken.test': { fail: true },
    '_submission._tcp.broken.test': { fail: true },
  });
  documents = {};
  http = createServer((req, res) => {
    const doc = documents[req.url?.split('?')[0] ?? ''];
    res.writeHead(doc?.status ?? 404, { 'content-type': 'application/xml' });
    res.end(doc?.body ?? 'not found');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpBase = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
});
afterEach(async () => {
  await dns.close();
  await new Promise<void>((r) => http.close(() => r()));
});

function ctx(over: Partial<Ctx['actor']> = {}): Ctx {
  return {
    actor: { ...systemActor, ...over },
    config: {
      ...defaultCoreConfig,
      allowPrivateHosts: true,
      dnsServers: [dns.server],
      timeouts: { connectMs: 2000, greetingMs: 2000, commandMs: 2000 },
      providers: [
        mockProvider({ issuer: 'http://127.0.0.1:8025', domain: 'oauth.mock.test', smtpPort: 1025 }),
      ],
    },
  } as unknown as Ctx;
}
/** The domain's autoconfig documents come from the local server: `/<domain>/config.xml`, then `/<domain>/wk.xml`. */
const options = {
  autoconfigUrls: (domain: string) => [`${httpBase}/${domain}/config.xml`, `${httpBase}/${domain}/wk.xml`],
};
const discover = async (email: string, c = ctx()) =>
  autoconfigResultSchema.parse(await discoverSettings({ ctx: c, input: { email }, options }));

describe('settings from the address', () => {
  it('answers from the catalogue by domain, asking nothing else', async () => {
    const r = await discover('ann@gmail.com');
    expect(r).toMatchObject({
      source: 'catalog',
      provider: { id: 'google' },
      outgoing: { host: 'smtp.gmail.com', port: 465, security: 'tls', username: 'ann@gmail.com' },
      incoming: [
        { protocol: 'imap', host: 'imap.gmail.com', port: 993 },
        { protocol: 'pop3', host: 'pop.gmail.com', port: 995 },
      ],
      auth: ['oauth2', 'app_password'],
      oauth: { provider: 'google', pkce: true, scopes: { smtp: ['https://mail.google.com/'] } },
    });
    expect(r.note).toMatch(/app password/);
    expect(dns.asked).toEqual([]);
    expect(r.sources.filter((s) => s.status === 'skipped').map((s) => s.source)).toEqual([
      'mx',
      'autoconfig',
      'srv',
    ]);
  });

  it('knows the quick start mock from the overlay', async () => {
    const r = await discover('ann@oauth.mock.test');
    expect(r).toMatchObject({ source: 'catalog', provider: { id: 'mock' }, auth: ['oauth2'] });
    expect(r.outgoing).toMatchObject({ host: '127.0.0.1', port: 1025 });
    // The OAuth client needs the endpoints: the token endpoint becomes the account's tokenUrl.
    expect(r.oauth).toMatchObject({
      provider: 'mock',
      authorizationEndpoint: 'http://127.0.0.1:8025/oauth/authorize',
      tokenEndpoint: 'http://127.0.0.1:8025/oauth/token',
      deviceEndpoint: 'http://127.0.0.1:8025/oauth/device/code',
    });
  });

  it('recognises Google Workspace and Microsoft 365 by their MX hosts', async () => {
    const g = await discover('ann@workspace.test');
    expect(g).toMatchObject({
      source: 'mx',
      provider: { id: 'google' },
      outgoing: { host: 'smtp.gmail.com' },
    });
    expect(g.sources.find((s) => s.source === 'mx')).toMatchObject({ status: 'answered' });
    const m = await discover('bob@tenant.test');
    expect(m).toMatchObject({ source: 'mx', provider: { id: 'microsoft' }, oauth: { device: true } });
    expect(g.oauth?.tokenEndpoint).toBe('https://oauth2.googleapis.com/token');
    expect(m.oauth?.tokenEndpoint).toMatch(/^https:\/\/login\.microsoftonline\.com\/.+\/token$/);
    expect(m.oauth?.deviceEndpoint).toMatch(/^https:\/\/login\.microsoftonline\.com\/.+\/devicecode$/);
  });

  it('reads a Thunderbird autoconfig document, the second URL when the first has none', async () => {
    documents['/corp.test/wk.xml'] = { status: 200, body: XML };
    const r = await discover('ann@corp.test');
    expect(r).toMatchObject({
      source: 'autoconfig',
      provider: null,
      outgoing: { host: 'smtp.corp.test', port: 587, security: 'starttls', username: 'ann@corp.test' },
      incoming: [
        { protocol: 'imap', host: 'imap.corp.test', port: 993, security: 'tls' },
        { protocol: 'pop3', host: 'pop.corp.test', username: 'ann' },
      ],
      auth: ['password'],
    });
    expect(r.note).toContain('Corp & Co');
    expect(r.sources.find((s) => s.source === 'autoconfig')?.detail).toContain('127.0.0.1');
  });

  it('refuses a document with a DOCTYPE (no entity expansion) and says so', async () => {
    documents['/corp.test/config.xml'] = {
      status: 200,
      body: `<!DOCTYPE x [<!ENTITY a "aaaa">]>${XML}`,
    };
    const r = await discover('ann@corp.test');
    expect(r.source).toBe('none');
    expect(r.sources.find((s) => s.source === 'autoconfig')?.detail).toMatch(/DOCTYPE/);
  });

  it('reads RFC 6186 SRV records, skipping a service marked absent', async () => {
    const r = await discover('ann@srv.test');
    expect(r).toMatchObject({
      source: 'srv',
      outgoing: { host: 'mail.srv.test', port: 587, security: 'starttls' },
      incoming: [{ protocol: 'imap', host: 'mail.srv.test', port: 993, security: 'tls' }],
    });
    expect(r.sources.find((s) => s.source === 'mx')).toMatchObject({ status: 'empty' });
  });

  it('answers "nothing found" with every source’s outcome when all fail', async () => {
    const r = await discover('ann@broken.test');
    expect(r).toMatchObject({ source: 'none', outgoing: null, incoming: [], provider: null });
    expect(r.note).toMatch(/Nothing found for broken.test/);
    const by = Object.fromEntries(r.sources.map((s) => [s.source, s.status]));
    expect(by).toEqual({ catalog: 'empty', mx: 'failed', autoconfig: 'empty', srv: 'failed' });
  });

  it('names the bad field, and keeps viewers out', async () => {
    await expect(discover('not-an-address')).rejects.toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'email' }],
    });
    await expect(discover('ann@gmail.com', ctx({ role: 'viewer' }))).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
