import { z } from 'zod';

export const deliverabilityCheckSchema = z.object({
  name: z.enum(['spf', 'dkim', 'dmarc', 'alignment']),
  result: z.enum(['pass', 'warn', 'fail']),
  /** What was found. */
  detail: z.string(),
  /** What to do about it (empty on a pass). */
  hint: z.string(),
});
export type DeliverabilityCheck = z.infer<typeof deliverabilityCheckSchema>;

export const deliverabilityResultSchema = z.object({
  domain: z.string(),
  provider: z.object({ id: z.string(), name: z.string() }).nullable(),
  checks: z.array(deliverabilityCheckSchema),
});
export type DeliverabilityResult = z.infer<typeof deliverabilityResultSchema>;

/** What the checks look at: the From domain, who sends for it, and the envelope sender. */
export type SendingSetup = {
  fromDomain: string;
  /** The SMTP host the mail leaves through (null for API transports). */
  smtpHost: string | null;
  providerId: string | null;
  /** MAIL FROM as Mailroom sets it (the VERP bounce address, else the From address). */
  envelopeSender: string;
  /** The sign-in name when it is an address: providers such as Gmail send with it as the envelope sender. */
  loginAddress: string | null;
  /** The account's own DKIM signing, when set. */
  dkim: { domain: string; selector: string } | null;
};
