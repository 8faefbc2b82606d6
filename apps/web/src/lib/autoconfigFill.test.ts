import { describe, expect, it } from 'vitest';
import { emptyDraft } from './accountDraft';
import { applyAutoconfig, preferredAuth } from './autoconfigFill';

describe('applyAutoconfig', () => {
  it('fills outgoing and incoming servers, the username and OAuth2 from a catalogue answer', () => {
    const d = emptyDraft();
    const found = applyAutoconfig(d, 'someone@oauth.mock.test', {
      source: 'catalog',
      outgoing: { host: '127.0.0.1', port: 1025, security: 'starttls' },
      incoming: { host: '127.0.0.1', port: 1143, security: 'starttls', protocol: 'imap' },
      auth: ['oauth2'],
      oauth: { provider: 'mock', tokenEndpoint: 'http://127.0.0.1:8025/oauth/token', device: true },
      note: 'The bundled mock',
    });
    expect(found).toBe(true);
    const smtp = d.outgoing.kinds.smtp;
    expect(smtp.server).toMatchObject({ host: '127.0.0.1', port: '1025', security: 'starttls' });
    expect(smtp.auth).toMatchObject({
      method: 'oauth2',
      username: 'someone@oauth.mock.test',
      tokenUrl: 'http://127.0.0.1:8025/oauth/token',
    });
    expect(d.incoming).toMatchObject({ enabled: true, protocol: 'imap', host: '127.0.0.1', port: '1143' });
    expect(d.incoming.auth.method).toBe('oauth2');
    expect(d.outgoing.fromAddress).toBe('someone@oauth.mock.test');
    expect(d.name).toBe('someone@oauth.mock.test');
  });

  it('keeps what the admin already typed in name and From, and takes a per-protocol incoming answer', () => {
    const d = emptyDraft();
    d.name = 'Support';
    d.outgoing.fromAddress = 'help@example.org';
    applyAutoconfig(d, 'me@example.org', {
      source: 'srv',
      outgoing: [{ host: 'mail.example.org', port: 465, security: 'tls' }],
      incoming: { pop3: { host: 'pop.example.org', port: 995, security: 'tls' } },
      auth: ['password'],
    });
    expect(d.name).toBe('Support');
    expect(d.outgoing.fromAddress).toBe('help@example.org');
    expect(d.outgoing.kinds.smtp.server.port).toBe('465');
    expect(d.outgoing.kinds.smtp.auth).toMatchObject({ method: 'password', username: 'me@example.org' });
    expect(d.incoming).toMatchObject({ protocol: 'pop3', host: 'pop.example.org', security: 'tls' });
  });

  it('uses the provider username when it is not the address, and reports when nothing was found', () => {
    const d = emptyDraft();
    applyAutoconfig(d, 'me@example.org', {
      source: 'catalog',
      outgoing: { host: 'smtp.sendgrid.net', port: 587, security: 'starttls' },
      auth: ['api_key'],
      username: 'apikey',
    });
    expect(d.outgoing.kinds.smtp.auth.username).toBe('apikey');
    expect(applyAutoconfig(emptyDraft(), 'x@nowhere.test', { source: 'none', auth: [] })).toBe(false);
  });

  it('prefers OAuth2 when the provider lists it first or takes nothing else', () => {
    expect(preferredAuth(['oauth2', 'app_password'])).toBe('oauth2');
    expect(preferredAuth(['oauth2'])).toBe('oauth2');
    expect(preferredAuth(['app_password', 'oauth2'])).toBe('password');
    expect(preferredAuth([])).toBe('password');
  });
});
