// Words the summaries share (the sign-in and the security of a server), kept free of zod so the accounts
// list can use them. Incoming parts are shown with them too.
import type { AuthView, Security } from '../schemas/parts';

/** A sign-in in one line: "sales@example.com · password stored". */
export function authText(a: AuthView): string {
  if (a.method === 'none') return 'None';
  if (a.method === 'password') return `${a.username} · password ${a.hasPassword ? 'stored' : 'not set'}`;
  // A forced SASL mechanism is named; auto (the default) says nothing.
  const mechanism = a.mechanism && a.mechanism !== 'auto' ? ` · ${a.mechanism.toUpperCase()}` : '';
  return `OAuth 2 · ${a.username} · token ${a.hasToken ? 'stored' : 'not set'}${mechanism}`;
}

/** A security mode as people read it. */
export function securityText(security: Security, allowInvalidCertificates = false): string {
  const mode = security === 'tls' ? 'TLS (implicit)' : security === 'starttls' ? 'STARTTLS' : 'None';
  return allowInvalidCertificates ? `${mode} · accepts invalid certificates` : mode;
}
