import type { ProviderInput } from './schema';

/** Where the bundled mock mail server listens; the quick start knows it once the mock is up. */
export type MockProviderPorts = {
  /** The mock's HTTP base URL, also its OAuth2 issuer (`http://127.0.0.1:8025`). */
  issuer: string;
  /** The address domain whose logins need the mock's tokens (`oauth.mock.test`). */
  domain: string;
  host?: string;
  smtpPort: number;
  imapPort?: number | undefined;
  pop3Port?: number | undefined;
};

/**
 * The catalogue entry for the mock mail server's OAuth2 emulation. Its endpoints exist only while the mock
 * runs, so it is not built in: the quick start passes it as the catalogue overlay (`CoreConfig.providers`).
 */
export function mockProvider(m: MockProviderPorts): ProviderInput {
  const host = m.host ?? '127.0.0.1';
  const issuer = m.issuer.replace(/\/$/, '');
  const mail = ['https://mail.google.com/'];
  return {
    id: 'mock',
    name: 'Mock mail server (OAuth2)',
    kind: 'mailbox',
    domains: [m.domain],
    smtp: [{ host, port: m.smtpPort, security: 'starttls' }],
    ...(m.imapPort ? { imap: { host, port: m.imapPort, security: 'starttls' as const } } : {}),
    ...(m.pop3Port ? { pop3: { host, port: m.pop3Port, security: 'starttls' as const } } : {}),
    auth: ['oauth2'],
    note: 'The bundled mock mail server: sign in on its consent page with any address here. Its certificate is self-signed: accept self-signed certificates to test and send.',
    oauth: {
      authorizationEndpoint: `${issuer}/oauth/authorize`,
      tokenEndpoint: `${issuer}/oauth/token`,
      deviceEndpoint: `${issuer}/oauth/device/code`,
      revocationEndpoint: `${issuer}/oauth/revoke`,
      userinfoEndpoint: `${issuer}/oauth/userinfo`,
      identity: 'userinfo',
      scopes: { smtp: mail, imap: mail, pop3: mail, identity: ['email'] },
      pkce: true,
      device: true,
      authorizationParams: {},
    },
    dkimSelectors: [],
  };
}
