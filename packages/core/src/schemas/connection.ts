import { z } from 'zod';
import { directionSchema, incomingInputSchema, outgoingInputSchema } from './account';

export const errorClasses = [
  'dns',
  'refused',
  'timeout',
  'tls',
  'certificate',
  'greeting',
  'auth',
  'rejected',
  'protocol',
  'blocked',
] as const;
export const errorClassSchema = z.enum(errorClasses);
export type ErrorClass = z.infer<typeof errorClassSchema>;

export const testStepSchema = z.object({
  step: z.string(),
  ok: z.boolean(),
  durationMs: z.number(),
  detail: z.record(z.string(), z.unknown()).or(z.string()),
});
export type TestStep = z.infer<typeof testStepSchema>;

export const connectionErrorSchema = z.object({
  code: errorClassSchema,
  message: z.string(),
  hint: z.string(),
  reply: z.string().optional(),
  responseCode: z.number().optional(),
  detail: z
    .string()
    .optional()
    .describe(
      "The library's own words behind `message`, verbatim (an OpenSSL line of a failed TLS handshake): technical detail; `message` says it in a sentence.",
    ),
});

export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  direction: directionSchema,
  durationMs: z.number(),
  steps: z.array(testStepSchema),
  error: connectionErrorSchema.optional(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

/**
 * Outgoing tests only: end with the deliverability check (SPF, DKIM, DMARC, alignment of the From domain)
 * as a `deliverability` step. Opt-in: it asks DNS about the domain, which a test on a closed network cannot.
 */
const deliverabilityOption = z
  .boolean()
  .optional()
  .describe(
    'Outgoing only: add a "deliverability" step (SPF, DKIM, DMARC and alignment of the From domain, each pass, warn or fail with a hint). It never fails the test: a DNS failure is a warning.',
  );

export const accountTestInputSchema = z.object({
  direction: directionSchema,
  deliverability: deliverabilityOption,
});

/** The form's Test button: unsaved settings, optionally on top of a stored account (blank secrets reuse it). */
export const connectionTestInputSchema = z.object({
  accountId: z.string().optional(),
  direction: directionSchema,
  outgoing: outgoingInputSchema.optional(),
  incoming: incomingInputSchema.optional(),
  deliverability: deliverabilityOption,
  oauthAuthorizationId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'A finished OAuth2 sign-in of yours not used by an account yet (as on POST /accounts): an OAuth2 part without a refresh token signs in with an access token from it. Nothing is used up; a rotated refresh token is kept in the sign-in.',
    ),
});
