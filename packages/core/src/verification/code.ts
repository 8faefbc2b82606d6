import { randomInt } from 'node:crypto';
import { sha256 } from '../security/hash';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;
/** Shortest time between two codes for one account, and most codes per hour. */
export const RESEND_AFTER_MS = 30_000;
export const MAX_PER_HOUR = 5;

/** A uniformly random 6-digit code (leading zeros kept). */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Codes are stored only as a hash bound to their row, so equal codes of two accounts never hash alike. */
export function hashCode(rowId: string, code: string): string {
  return sha256(`${rowId}:${code}`);
}

/** The verification mail: the code in subject and body, so it can be read back from a mailbox. */
export function verificationMail(accountName: string, code: string) {
  const text = [
    `Your Mailroom verification code for the account "${accountName}" is: ${code}`,
    '',
    'Type it into Mailroom to confirm this account can send mail. It expires in 10 minutes.',
    'If you did not expect this mail, you can ignore it.',
  ].join('\n');
  return { subject: `Mailroom verification code: ${code}`, text };
}
