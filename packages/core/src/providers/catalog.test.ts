import { describe, expect, it } from 'vitest';
import { createCatalog, findProvider, mockProvider, providerCatalog, providerForDomain } from '.';

const required = [
  'google',
  'microsoft',
  'yahoo',
  'icloud',
  'zoho',
  'fastmail',
  'aol',
  'gmx',
  'yandex',
  'comcast',
  'mailgun',
  'sendgrid',
  'ses',
  'postmark',
  'brevo',
];

describe('provider catalogue', () => {
  it('holds every provider the issue names, once', () => {
    const ids = providerCatalog.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of required) expect(ids).toContain(id);
  });

  it.each(providerCatalog.map((p) => [p.id, p] as const))('%s has a complete, sensible shape', (_id, p) => {
    expect(p.note.length).toBeGreaterThan(10);
    expect(p.smtp.length).toBeGreaterThan(0);
    for (const s of [...p.smtp, p.imap, p.pop3]) {
      if (!s) continue;
      expect(s.host).toMatch(/\./);
      // Submission is 465 (implicit TLS) or 587 / 2525 (STARTTLS); IMAPS 993; POP3S 995.
      if (s.security === 'tls') expect([465, 993, 995]).toContain(s.port);
      else expect([587, 2525, 25]).toContain(s.port);
    }
    if (p.imap) expect(p.imap.port).toBe(993);
    if (p.pop3) expect(p.pop3.port).toBe(995);
    if (p.kind === 'mailbox') expect(p.domains.length).toBeGreaterThan(0);
    else expect(p.imap).toBeUndefined();
    expect(p.auth.includes('oauth2')).toBe(p.oauth !== undefined);
    if (p.oauth) {
      const urls = [
        p.oauth.authorizationEndpoint,
        p.oauth.tokenEndpoint,
        p.oauth.deviceEndpoint,
        p.oauth.revocationEndpoint,
        p.oauth.userinfoEndpoint,
        p.oauth.consoleUrl,
      ].filter((u): u is string => !!u);
      for (const u of urls) expect(new URL(u).protocol).toBe('https:');
      if (p.oauth.device) expect(p.oauth.deviceEndpoint).toBeDefined();
      if (p.oauth.identity === 'userinfo') expect(p.oauth.userinfoEndpoint).toBeDefined();
      expect(p.oauth.pkce).toBe(true);
    }
    if (p.docsUrl) expect(new URL(p.docsUrl).protocol).toBe('https:');
  });

  it('knows the public values of the big two', () => {
    const g = findProvider('google')!;
    expect(g.smtp).toContainEqual({ host: 'smtp.gmail.com', port: 587, security: 'starttls' });
    expect(g.oauth?.tokenEndpoint).toBe('https://oauth2.googleapis.com/token');
    expect(g.oauth?.scopes.smtp).toEqual(['https://mail.google.com/']);
    const m = findProvider('microsoft')!;
    expect(m.smtp[0]).toEqual({ host: 'smtp.office365.com', port: 587, security: 'starttls' });
    expect(m.oauth?.scopes.imap).toContain('https://outlook.office.com/IMAP.AccessAsUser.All');
    expect(m.oauth?.deviceEndpoint).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/devicecode');
  });

  it('looks providers up by domain and by MX host', () => {
    expect(providerForDomain('GMAIL.com.')?.id).toBe('google');
    expect(providerForDomain('hotmail.com')?.id).toBe('microsoft');
    expect(providerForDomain('example.org')).toBeUndefined();
    const c = createCatalog();
    expect(c.providerForMx('aspmx.l.google.com')?.id).toBe('google');
    expect(c.providerForMx('example-org.mail.protection.outlook.com')?.id).toBe('microsoft');
    expect(c.providerForMx('notgoogle.com')).toBeUndefined();
  });

  it('takes the mock as an overlay, with its endpoints from the running mock', () => {
    const c = createCatalog([
      mockProvider({
        issuer: 'http://127.0.0.1:8025',
        domain: 'oauth.mock.test',
        smtpPort: 1025,
        imapPort: 1143,
      }),
    ]);
    const mock = c.providerForDomain('oauth.mock.test')!;
    expect(mock.id).toBe('mock');
    expect(mock.oauth?.tokenEndpoint).toBe('http://127.0.0.1:8025/oauth/token');
    expect(mock.imap).toEqual({ host: '127.0.0.1', port: 1143, security: 'starttls' });
    expect(c.findProvider('google')).toBeDefined();
    expect(findProvider('mock')).toBeUndefined();
  });

  it('refuses a malformed overlay entry', () => {
    expect(() =>
      createCatalog([{ ...mockProvider({ issuer: 'x', domain: 'a.test', smtpPort: 1 }) }]),
    ).toThrow();
  });
});
