import { errorClasses } from '@mailroom/core/schemas';
import { describe, expect, it } from 'vitest';
import { failureText } from './failureText';
import { afterFetchOptions, errorLabel, label, purposeLabels, purposeOptions, stepLabel } from './labels';

describe('labels', () => {
  it('names error classes as people write them', () => {
    expect(errorClasses.map(errorLabel)).toEqual([
      'DNS',
      'Connection refused',
      'Timeout',
      'TLS',
      'Certificate',
      'Greeting',
      'Authentication',
      'Rejected',
      'Protocol',
      'Blocked destination',
    ]);
    // Codes beyond the classes still keep their acronyms.
    expect(errorLabel('smtp_auth')).toBe('SMTP auth');
    expect(label('dns_lookup')).toBe('DNS lookup');
  });

  it('names test steps with their acronyms', () => {
    expect(['resolve', 'connect', 'tls', 'authenticate', 'starttls', 'ehlo'].map(stepLabel)).toEqual([
      'Resolve',
      'Connect',
      'TLS',
      'Authenticate',
      'STARTTLS',
      'EHLO',
    ]);
  });

  it('gives the form and the details page one purpose table', () => {
    expect(purposeOptions).toEqual([
      { value: 'system', label: 'System notifications' },
      { value: 'campaigns', label: 'Campaigns' },
      { value: 'customer_service', label: 'Customer service' },
    ]);
    expect(purposeLabels.customer_service).toBe('Customer service');
  });

  it('offers "Mark as read" for IMAP only: POP3 has no flags', () => {
    expect(afterFetchOptions('imap').map((o) => o.value)).toEqual(['keep', 'mark_seen', 'delete']);
    expect(afterFetchOptions('pop3').map((o) => o.label)).toEqual([
      'Keep on the server',
      'Delete from the server',
    ]);
  });
});

describe('failureText', () => {
  it('keeps messages that are already sentences', () => {
    expect(failureText({ code: 'refused', message: 'The connection was refused (h:2)' })).toEqual({
      text: 'The connection was refused (h:2)',
    });
    expect(failureText({ code: 'tls', message: 'The TLS handshake did not finish within 10000 ms' })).toEqual(
      {
        text: 'The TLS handshake did not finish within 10000 ms',
      },
    );
  });

  it('keeps the raw text the API gives apart, as technical detail', () => {
    const raw = 'C0:error:0A000102:SSL routines:tls_process_server_hello:unsupported protocol:ssl/x.c:1:';
    const message =
      'The server and Mailroom share no TLS version (mail.example.com:465): the server may only offer an outdated one.';
    expect(failureText({ code: 'tls', message, detail: raw })).toEqual({ text: message, technical: raw });
  });
});
