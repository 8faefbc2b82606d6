import { z } from 'zod';

export const logSources = [
  'smtp_auth',
  'imap_auth',
  'pop3_auth',
  'outgoing',
  'incoming',
  'verification',
  'queue',
  'email_logger',
  'connection_test',
  'audit',
] as const;
export const logLevels = ['debug', 'info', 'warning', 'error'] as const;
export const logSourceSchema = z.enum(logSources);
export const logLevelSchema = z.enum(logLevels);
export type LogSource = z.infer<typeof logSourceSchema>;
export type LogLevel = z.infer<typeof logLevelSchema>;

export const logFields = ['at', 'source', 'level', 'message', 'accountId', 'actor'] as const;
export const conditionOps = ['eq', 'neq', 'in', 'contains', 'gte', 'lte'] as const;

export const conditionSchema = z.object({
  field: z.enum(logFields),
  op: z.enum(conditionOps),
  value: z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]),
});
export type Condition = z.infer<typeof conditionSchema>;

export type ConditionGroup =
  | { all: Array<Condition | ConditionGroup> }
  | { any: Array<Condition | ConditionGroup> };
export const conditionGroupSchema: z.ZodType<ConditionGroup> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(z.union([conditionSchema, conditionGroupSchema])).max(50) }).strict(),
    z.object({ any: z.array(z.union([conditionSchema, conditionGroupSchema])).max(50) }).strict(),
  ]),
);

export const logQuerySchema = z.object({
  source: logSourceSchema.optional(),
  level: logLevelSchema.optional(),
  accountId: z.string().optional(),
  actor: z.string().optional(),
  since: z.string().datetime({ offset: true }).optional(),
  until: z.string().datetime({ offset: true }).optional(),
  q: z.string().max(200).optional(),
  filter: conditionGroupSchema.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type LogQuery = z.input<typeof logQuerySchema>;

export const logEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  source: logSourceSchema,
  level: logLevelSchema,
  message: z.string(),
  accountId: z.string().nullable(),
  actor: z.string().nullable(),
  context: z.record(z.string(), z.unknown()),
});
export type LogEntry = z.infer<typeof logEntrySchema>;
