import { z } from 'zod';
import { emailAddress, headerSafe, isoDate } from './common';

export const roles = ['admin', 'team_admin', 'viewer'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const loginSchema = z.object({
  email: emailAddress,
  password: z.string().min(1, 'is required').max(1024),
});

export const teamInputSchema = z.object({ name: headerSafe(120).trim().min(1, 'is required') });
export const teamSchema = z.object({ id: z.string(), name: z.string(), createdAt: isoDate });
export type Team = z.infer<typeof teamSchema>;

export const userInputSchema = z.object({
  email: emailAddress,
  name: headerSafe(120).trim().min(1, 'is required'),
  password: z.string().min(10, 'must be at least 10 characters').max(1024),
  role: roleSchema,
  teamIds: z.array(z.string()).default([]),
});
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  teamIds: z.array(z.string()),
  createdAt: isoDate,
});
export type User = z.infer<typeof userSchema>;

export const meSchema = z.object({
  user: userSchema,
  via: z.enum(['session', 'token']),
  csrfToken: z.string().optional(),
});
export type Me = z.infer<typeof meSchema>;

export const tokenInputSchema = z.object({
  name: headerSafe(120).trim().min(1, 'is required'),
  role: roleSchema,
  teamIds: z.array(z.string()).default([]),
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
