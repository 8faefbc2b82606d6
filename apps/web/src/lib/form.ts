// Field errors from two sources share one shape: a map from dotted path to message.
// Client-side they come from the same zod schemas the API uses; server-side from problem+json.
import { readableIssues } from '@mailroom/core/schemas';
import type { z } from 'zod';
import { ApiError } from './api';

export type FieldErrors = Record<string, string>;

/** zod issues → `{ 'outgoing.port': 'must be a number' }`, first message per path, worded as the API words them. */
export function issuesToErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of readableIssues(error.issues)) {
    const path = issue.path.join('.');
    if (!(path in out)) out[path] = issue.message;
  }
  return out;
}

/** Errors of an API failure by path; a failure without paths goes under '' (the form banner). */
export function apiErrors(err: unknown): FieldErrors {
  if (err instanceof ApiError) {
    const f = err.fieldErrors();
    return Object.keys(f).length ? f : { '': err.message };
  }
  return { '': err instanceof Error ? err.message : String(err) };
}

/** Parse with a schema; returns the data or the field errors. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: issuesToErrors(r.error) };
}

/** Move keyboard focus to the first invalid control, so a screen-reader user hears what to fix. */
export function focusFirstError(form: HTMLElement | undefined): void {
  queueMicrotask(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
