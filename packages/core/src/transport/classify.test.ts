import { describe, expect, it } from 'vitest';
import { classifyError } from '../connection/classify';
import { starttlsMissingHint } from '../connection/hints';
import { classifyDeliveryError } from './classify';

/** An error shaped as nodemailer's SMTP connection raises it (`_formatError`: code, response, responseCode, command). */
function smtpError(message: string, fields: { code: string; response?: string; command?: string }): Error {
  const responseCode = Number(/^\d+/.exec(fields.response ?? '')?.[0]) || undefined;
  return Object.assign(new Error(fields.response ? `${message}: ${fields.response}` : message), {
    ...fields,
    ...(responseCode ? { responseCode } : {}),
  });
}

describe('a required STARTTLS that did not happen', () => {
  const cases = [
    [
      'not offered, refused with 502',
      smtpError('Error upgrading connection with STARTTLS', {
        code: 'ETLS',
        response: '502 5.5.1 Unrecognized command',
        command: 'STARTTLS',
      }),
    ],
    [
      'offered, then refused with 454',
      smtpError('Error upgrading connection with STARTTLS', {
        code: 'ETLS',
        response: '454 4.7.0 TLS not available due to local problem',
        command: 'STARTTLS',
      }),
    ],
    [
      'EHLO refused, so no STARTTLS over HELO',
      smtpError('EHLO failed but HELO does not support required STARTTLS. response=500 no', {
        code: 'ECONNECTION',
        response: '500 5.5.2 no',
        command: 'EHLO',
      }),
    ],
  ] as const;

  it.each(cases)('%s: a temporary, account-level "tls" failure with the STARTTLS hint', (_name, err) => {
    const e = classifyDeliveryError(err);
    expect(e).toMatchObject({
      code: 'tls',
      temporary: true,
      accountLevel: true,
      hint: starttlsMissingHint,
      reply: (err as Error & { response: string }).response,
    });
  });

  it.each(cases)('%s: the connection test classifies it the same way', (_name, err) => {
    expect(classifyError(err)).toMatchObject({ code: 'tls', hint: starttlsMissingHint });
  });

  it('a handshake that fails after STARTTLS stays a "tls" failure with the general advice', () => {
    const e = classifyDeliveryError(
      smtpError('Error initiating TLS - wrong version number', { code: 'ETLS', command: 'STARTTLS' }),
    );
    expect(e).toMatchObject({ code: 'tls', temporary: true, accountLevel: true });
    expect(e.hint).not.toBe(starttlsMissingHint);
  });

  it('a refused recipient is still the message’s own permanent failure', () => {
    const e = classifyDeliveryError(
      smtpError("Can't send mail - all recipients were rejected", {
        code: 'EENVELOPE',
        response: '550 5.1.1 unknown user',
        command: 'RCPT TO',
      }),
    );
    expect(e).toMatchObject({ code: 'rejected', temporary: false, accountLevel: false });
  });
});
