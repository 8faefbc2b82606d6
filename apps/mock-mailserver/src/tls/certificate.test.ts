import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from './certificate.js';

describe('generateSelfSignedCertificate', () => {
  it('makes valid, self-signed certificates every time', () => {
    // Many rounds: the random serial once produced invalid DER one time in 256.
    for (let i = 0; i < 300; i++) {
      const { key, cert } = generateSelfSignedCertificate();
      const x509 = new X509Certificate(cert);
      expect(x509.verify(x509.publicKey)).toBe(true);
      expect(() => tls.createSecureContext({ key, cert })).not.toThrow();
    }
  });

  it('names the host names and addresses it is valid for', () => {
    const x509 = new X509Certificate(generateSelfSignedCertificate({ commonName: 'mail.test' }).cert);
    expect(x509.subject).toBe('CN=mail.test');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(new Date(x509.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 24 * 3600_000);
  });
});
