// The example from README.md, kept as a real test.
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, it } from 'vitest';

let mock: MockMailServer;
beforeAll(async () => {
  mock = await startMockMailServer(); // free ports on 127.0.0.1
});
afterAll(() => mock.close());

// Stands in for the code under test: it mails a confirmation code over SMTP.
async function sendSignupCode(to: string, smtpPort: number) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
  await transport.sendMail({
    from: 'noreply@app.test',
    to,
    subject: 'Confirm your account',
    text: 'Your confirmation code is 384615.\nOr open https://app.test/confirm?c=384615',
    html: '<p>Your confirmation code is <b>384615</b>.</p><a href="https://app.test/confirm?c=384615">Confirm</a>',
  });
}

it('reads the confirmation code of a signup mail', async () => {
  // A plus-tag per test keeps parallel tests out of each other's mail.
  const to = `ann+${crypto.randomUUID()}@example.org`;
  await sendSignupCode(to, mock.smtpPort);

  const message = await mock.waitFor({ to, subject: 'Confirm your account', timeoutMs: 5000 });
  const { codes, links } = mock.codes(message.id);

  expect(codes[0]?.value).toBe('384615');
  expect(links[0]?.url).toBe('https://app.test/confirm?c=384615');
});
