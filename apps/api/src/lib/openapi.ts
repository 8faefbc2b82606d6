import { OpenAPIHono } from '@hono/zod-openapi';
import { type ErrorCode, errorCodes, problemSchema, validationError } from '@mailroom/core';
import { z } from 'zod';

/** A router whose request validation failures become problem+json naming the field paths. */
export function newRouter(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error as never);
    },
  });
}

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

export const body = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

/** problem+json as the API answers it: `code` is one of the closed union in @mailroom/core's errors.ts. */
export const apiProblemSchema = problemSchema.extend({
  code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
});

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: apiProblemSchema } },
});

/** The error responses every authenticated endpoint can give. */
export const problems = {
  400: problemResponse('Invalid input; `errors` names each bad field'),
  401: problemResponse('Not signed in, or the token is invalid'),
  403: problemResponse('Not allowed for this role, or missing CSRF token'),
  404: problemResponse('Not found'),
  409: problemResponse('Conflicts with the current state'),
  422: problemResponse('Valid input that cannot be applied'),
} as const;

export const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }];

/** An unpaginated list in the API's list shape `{ items, total, page, pageSize }`. */
export function all<T>(items: T[]): { items: T[]; total: number; page: number; pageSize: number } {
  return { items, total: items.length, page: 1, pageSize: items.length };
}
