import type { ZodError } from 'zod';
import { readableIssues } from './schemas/issues';

/** Every error the core raises on purpose. The API maps each to one HTTP status. */
export const errorCodes = {
  validation_failed: 400,
  unauthenticated: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  name_taken: 409,
  invalid_transition: 409,
  default_exists: 409,
  idempotency_conflict: 409,
  secret_required: 422,
  account_not_usable: 422,
  no_route: 422,
  code_invalid: 422,
  code_expired: 422,
  code_used: 422,
  code_attempts_exceeded: 422,
  /** Every recipient of a send is on the suppression list: nothing was sent. */
  all_recipients_suppressed: 422,
  /** The request body is larger than the API takes (answered before the body is read). */
  payload_too_large: 413,
  connection_failed: 502,
  delivery_failed: 502,
  rate_limited: 429,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof errorCodes;

export type FieldError = { path: string; message: string };

export class MailroomError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  readonly hint: string | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { errors?: FieldError[]; hint?: string; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'MailroomError';
    this.code = code;
    this.errors = opts.errors;
    this.hint = opts.hint;
    this.extra = opts.extra;
  }

  get status(): number {
    return errorCodes[this.code];
  }
}

/** Turns a zod error into field paths a form can attach messages to (outgoing.port, to.0 …), worded as sentences. */
export function fieldErrors(error: ZodError, prefix: string[] = []): FieldError[] {
  return readableIssues(error.issues).map((issue) => ({
    path: [...prefix, ...issue.path].join('.') || '(body)',
    message: issue.message,
  }));
}

/** The problem's `detail`: the first bad field and what is wrong with it, "to: must be a valid email address". */
function detailOf(errors: FieldError[]): string {
  const [first] = errors;
  if (!first) return 'Invalid input';
  const sentence =
    first.path === '(body)' ? `The request body ${first.message}` : `${first.path}: ${first.message}`;
  return errors.length > 1 ? `${sentence} (and ${errors.length - 1} more)` : sentence;
}

export function validationError(error: ZodError, prefix: string[] = []): MailroomError {
  const errors = fieldErrors(error, prefix);
  return new MailroomError('validation_failed', detailOf(errors), { errors });
}

/** Parses input with a schema, raising a validation_failed MailroomError that names the fields. */
export function parseInput<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  input: unknown,
  prefix: string[] = [],
): T {
  const r = schema.safeParse(input);
  if (!r.success) throw validationError(r.error, prefix);
  return r.data;
}

export const notFound = (what: string) => new MailroomError('not_found', `${what} not found`);
export const forbidden = (why = 'You do not have permission to do this') =>
  new MailroomError('forbidden', why);
