import { z } from 'zod';
import { emailAddress, headerSafe, isoDate } from './common';

export const roles = ['admin', 'team_admin', 'viewer'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const loginSchema = z.object({
  email: emailAddress,
  password: z.string().min(1, 'is required').max(1024),
});

/** A password a person chooses or an admin sets: long enough to resist guessing, bounded for the hash. */
export const passwordSchema = z.string().min(10, 'must be at least 10 characters').max(1024);

const personName = headerSafe(120).trim().min(1, 'is required');
const teamIdList = z.array(z.string().min(1).max(64)).max(100);

/** Where automatic suppressions from a team's messages go (hard bounces, complaints, the soft-bounce limit). */
export const suppressionScopeSchema = z
  .enum(['system', 'team'])
  .describe(
    "Where hard bounces, complaints and the soft-bounce limit on this team's messages put the address: `system` (default: no team mails it any more) or `team` (only this team's sends skip it; other teams still mail it). Manual and imported entries name their scope themselves. Only admins set it.",
  );
export type SuppressionScope = z.infer<typeof suppressionScopeSchema>;

export const teamInputSchema = z.object({
  name: personName,
  suppressionScope: suppressionScopeSchema.optional(),
});
/** `PATCH /teams/:id`: a new name, a suppression scope, or both. */
export const teamUpdateSchema = teamInputSchema
  .partial()
  .strict()
  .refine((v) => v.name !== undefined || v.suppressionScope !== undefined, {
    message: 'name or suppressionScope is required',
  });
export const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: isoDate,
  suppressionScope: suppressionScopeSchema,
  /** Users who belong to the team. */
  members: z.number().int(),
  /** Mail accounts of the team, deleted ones included (they keep the team until moved). */
  accounts: z.number().int(),
});
export type Team = z.infer<typeof teamSchema>;

/** `DELETE /teams/:id?moveAccountsTo=system`: without it, a team that still has accounts is refused. */
export const teamDeleteQuerySchema = z.object({
  moveAccountsTo: z.enum(['system']).optional(),
});
export const teamDeletedSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Accounts moved to the system level. */
  movedAccounts: z.number().int(),
  /** The team's default accounts that were cleared (scope and direction). */
  clearedDefaults: z.number().int(),
  /** Users who lost their membership. */
  removedMembers: z.number().int(),
  /** Team admins left without any team: they read system-level accounts and change nothing until given one. */
  teamAdminsWithoutTeam: z.array(z.string()),
  /** Team-admin tokens whose only team this was, revoked. */
  revokedTokens: z.number().int(),
});
export type TeamDeleted = z.infer<typeof teamDeletedSchema>;

export const userInputSchema = z.object({
  email: emailAddress,
  name: personName,
  password: passwordSchema,
  role: roleSchema,
  teamIds: teamIdList.default([]),
});
/**
 * The From of mail a user sends without one: a display name (null: their name) and a sending address
 * (null: the account's own). Sends still pass the account's Send-as rule. Empty text clears a field.
 */
const blankIsNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
const displayName = z.preprocess(blankIsNull, headerSafe(200).trim().nullable());
const sendingAddress = z.preprocess(blankIsNull, emailAddress.nullable());
export const senderProfileFields = { displayName, sendingAddress };

/** `PATCH /users/:id`: any of name, role, teams and the sending identity; the email is the sign-in identity and stays. */
export const userUpdateSchema = z
  .object({ name: personName, role: roleSchema, teamIds: teamIdList, ...senderProfileFields })
  .partial()
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: 'name, role, teamIds, displayName or sendingAddress is required',
  });
/** `PATCH /auth/profile`: a signed-in user's own display name and sending address. */
export const profileUpdateSchema = z
  .object(senderProfileFields)
  .partial()
  .strict()
  .refine((v) => v.displayName !== undefined || v.sendingAddress !== undefined, {
    message: 'displayName or sendingAddress is required',
  });
export const userDisableSchema = z.object({ reason: headerSafe(500).trim().optional() }).strict();
/** An admin's reset: the temporary password given, or one Mailroom generates and shows once. */
export const passwordResetSchema = z.object({ password: passwordSchema.optional() }).strict();
export const passwordChangeSchema = z
  .object({ currentPassword: z.string().min(1, 'is required').max(1024), newPassword: passwordSchema })
  .strict()
  .refine((v) => v.currentPassword !== v.newPassword, {
    path: ['newPassword'],
    message: 'must differ from the current password',
  });

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  teamIds: z.array(z.string()),
  createdAt: isoDate,
  /** When the user was disabled; null while they may sign in. */
  disabledAt: isoDate.nullable(),
  /** An admin reset the password: the next session must choose a new one before anything else. */
  mustChangePassword: z.boolean(),
  /** The name on mail they send without a From (null: their name). */
  displayName: z.string().nullable(),
  /** The address mail they send without a From goes out as, subject to the account's Send-as rule. */
  sendingAddress: z.string().nullable(),
});
export type User = z.infer<typeof userSchema>;
export const passwordResetResultSchema = z.object({
  user: userSchema,
  /** Only when Mailroom generated it: shown here once, stored only as a hash. */
  temporaryPassword: z.string().optional(),
});
export type PasswordResetResult = z.infer<typeof passwordResetResultSchema>;

export const meSchema = z.object({
  user: userSchema,
  via: z.enum(['session', 'token']),
  csrfToken: z.string().optional(),
});
export type Me = z.infer<typeof meSchema>;

export const tokenInputSchema = z.object({
  name: personName,
  role: roleSchema,
  teamIds: teamIdList.default([]),
});
export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  teamIds: z.array(z.string()),
  prefix: z.string(),
  createdAt: isoDate,
  createdBy: z.string().nullable(),
  lastUsedAt: isoDate.nullable(),
});
export type ApiToken = z.infer<typeof tokenSchema>;
export const tokenCreatedSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  token: z.string(),
});
