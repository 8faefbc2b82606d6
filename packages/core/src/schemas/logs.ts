import { z } from 'zod';
import { cursorParam, teamScopeParam } from './common';

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
  'webhooks',
] as const;
/**
 * What each source is called on screen and what writes it (docs/LOGS.md has the full table with examples):
 * filters offer these names, the URL keeps the codes.
 */
export const logSourceInfo: Record<(typeof logSources)[number], { label: string; about: string }> = {
  smtp_auth: {
    label: 'SMTP Auth',
    about: "SMTP sign-ins: a test's authenticate step, and sends refused at sign-in (error)",
  },
  imap_auth: {
    label: 'IMAP Auth',
    about: "IMAP sign-ins: a test's authenticate step, and fetches refused at sign-in (error)",
  },
  pop3_auth: {
    label: 'POP3 Auth',
    about: "POP3 sign-ins: a test's authenticate step, and fetches refused at sign-in (error)",
  },
  outgoing: {
    label: 'Outgoing',
    about: 'Sends not delivered (deferred: warning, failed: error), including HTTP APIs refusing their key',
  },
  incoming: {
    label: 'Incoming',
    about: 'The poller and fetches: mail fetched, failures once per change and hourly, working again',
  },
  verification: { label: 'Verification', about: 'Verification codes sent, entered, wrong or expired' },
  queue: {
    label: 'Queue',
    about: 'The outbox worker: started, stopped, accounts paused and resumed, retries',
  },
  email_logger: {
    label: 'Email logger',
    about: 'Retention runs that prune old messages, fetched mail, webhook deliveries and log rows',
  },
  connection_test: { label: 'Connection test', about: 'Each connection test: its outcome and each step' },
  audit: { label: 'Audit', about: 'Changes to people, teams and tokens; sign-in throttling' },
  webhooks: {
    label: 'Webhooks',
    about:
      'Webhook endpoints created, changed, rotated, deleted; the dispatcher; endpoints disabled after failing',
  },
};
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
const groupShape: z.ZodType<ConditionGroup> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(z.union([conditionSchema, groupShape])).max(50) }).strict(),
    z.object({ any: z.array(z.union([conditionSchema, groupShape])).max(50) }).strict(),
  ]),
);

/** Groups nested in groups, counting the outermost: deeper trees are refused before zod recurses into them. */
export const MAX_FILTER_DEPTH = 8;
/** Conditions and groups in one filter, all levels together. */
export const MAX_FILTER_ITEMS = 100;

/**
 * Why a filter is too deep or too large, or null. It walks the raw value with its own stack (no
 * recursion), so a filter nested thousands deep is refused in a few steps instead of overflowing the
 * call stack of the recursive schema, the SQL builder or the database's parser.
 */
export function filterBoundsProblem(value: unknown): string | null {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  let items = 0;
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { node, depth } = next;
    if (!node || typeof node !== 'object' || Array.isArray(node)) continue;
    // Both keys are walked: the schema refuses a group with both, but only after parsing each.
    for (const key of ['all', 'any'] as const) {
      const children = (node as Record<string, unknown>)[key];
      if (!Array.isArray(children)) continue;
      if (depth > MAX_FILTER_DEPTH) return `is nested deeper than ${MAX_FILTER_DEPTH} levels`;
      items += children.length;
      if (items > MAX_FILTER_ITEMS) return `has more than ${MAX_FILTER_ITEMS} conditions and groups`;
      for (const child of children) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return null;
}

/** The condition builder: `{all|any: [condition | group]}`, at most 8 levels and 100 items. */
export const conditionGroupSchema: z.ZodType<ConditionGroup> = z
  .unknown()
  .check((ctx) => {
    const problem = filterBoundsProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value, abort: true });
  })
  .pipe(groupShape);

export const logQuerySchema = z.object({
  source: logSourceSchema.optional(),
  level: logLevelSchema.optional(),
  accountId: z.string().optional(),
  /** A team: its accounts' rows; `system`: system accounts' rows and events of no account. */
  teamId: teamScopeParam,
  actor: z.string().optional(),
  since: z.string().datetime({ offset: true }).optional(),
  until: z.string().datetime({ offset: true }).optional(),
  q: z.string().max(200).optional(),
  filter: conditionGroupSchema.optional(),
  cursor: cursorParam,
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
