import { createHmac } from 'node:crypto';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** SASL PLAIN initial response: base64("\0user\0password"). */
export const plainPayload = (username: string, password: string) => b64(`\0${username}\0${password}`);

/** CRAM-MD5 answer to a base64 challenge: base64("user hex(hmac-md5(password, challenge))"). */
export function cramMd5Answer(username: string, password: string, challengeB64: string): string {
  const challenge = Buffer.from(challengeB64.trim(), 'base64').toString('utf8');
  const digest = createHmac('md5', password).update(challenge).digest('hex');
  return b64(`${username} ${digest}`);
}

export const base64 = b64;
