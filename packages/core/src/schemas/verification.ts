import { z } from 'zod';
import { isoDate } from './common';

/** The code waiting to be typed back: to whom and when it went, until when it works. Never the code. */
export const verificationPendingSchema = z.object({
  to: z.string(),
  sentAt: isoDate,
  expiresAt: isoDate,
  attemptsLeft: z.number().int().min(0),
});
export type VerificationPending = z.infer<typeof verificationPendingSchema>;

/**
 * `GET /accounts/:id/verification`: whether a code is waiting (so a reload can still offer "Enter code"),
 * when the account was verified, and when another code may be requested (null: now).
 */
export const verificationStateSchema = z.object({
  accountId: z.string(),
  pending: verificationPendingSchema.nullable(),
  verifiedAt: isoDate.nullable(),
  resendAfter: isoDate.nullable(),
});
export type VerificationState = z.infer<typeof verificationStateSchema>;
