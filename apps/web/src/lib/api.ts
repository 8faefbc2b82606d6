// The one place the UI talks HTTP: JSON in and out, the CSRF header on every mutation, and
// RFC 9457 problem+json turned into an ApiError that forms can map onto their fields.
import type { Problem } from '@mailroom/core/schemas';

export const API = '/api/v1';

let csrfToken: string | undefined;
let leaving = false;

/** Remember the CSRF token the API handed out with the session (login or /auth/me). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** A failed request: the problem document when the API sent one, else a synthesized one. */
export class ApiError extends Error {
  readonly problem: Problem;
  /** The whole body: problems carry extension members (e.g. `messageId` of a failed send). */
  readonly raw: Record<string, unknown>;
  constructor(problem: Problem, raw: Record<string, unknown> = {}) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
    this.raw = raw;
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
  /** Field errors by dotted path (`outgoing.port`), first message per path. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) if (!(e.path in out)) out[e.path] = e.message;
    return out;
  }
}

/** Anything unexpected (network down, HTML error page) still reads as a problem a person can act on. */
function syntheticProblem(status: number, title: string, detail?: string): Problem {
  return { type: 'about:blank', title, status, code: status === 0 ? 'network' : 'http_' + status, detail };
}

type Query = Record<string, string | number | boolean | undefined | null>;

/** Build `?a=1&b=2`, skipping empty values so URLs stay short and shareable. */
export function qs(query: Query | undefined): string {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

export type RequestOptions = {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as is with its media type (a CSV import), instead of `body` as JSON. */
  raw?: { body: string; type: string };
};

/** Fetch a JSON endpoint under /api/v1; throws ApiError on any non-2xx answer. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.raw) headers['Content-Type'] = opts.raw.type;
  else if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(API + path + qs(opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.raw ? opts.raw.body : opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(
      syntheticProblem(0, 'Cannot reach the Mailroom API', 'Check that the server is running.'),
    );
  }
  // The session ended (expired, signed out in another tab): back to sign-in, then back here.
  if (res.status === 401 && !path.startsWith('/auth/') && typeof window !== 'undefined' && !leaving) {
    // Once: a page's parallel requests all get 401, and each navigation would abort the last.
    leaving = true;
    const here = window.location.pathname + window.location.search;
    window.location.assign('/login?next=' + encodeURIComponent(here));
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const isJson = type.includes('json');
  const data: unknown = isJson ? await res.json().catch(() => undefined) : undefined;
  if (!res.ok) {
    if (data && typeof data === 'object' && 'title' in data) {
      const p = data as Partial<Problem>;
      throw new ApiError(
        {
          type: p.type ?? 'about:blank',
          title: p.title ?? res.statusText,
          status: p.status ?? res.status,
          code: p.code ?? 'http_' + res.status,
          detail: p.detail,
          errors: p.errors,
          hint: p.hint,
        },
        data as Record<string, unknown>,
      );
    }
    throw new ApiError(syntheticProblem(res.status, res.statusText || 'Request failed'));
  }
  return data as T;
}

export const get = <T>(path: string, query?: Query) => request<T>('GET', path, { query });
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
  request<T>('POST', path, { body: body ?? {}, headers });
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
export const del = <T>(path: string) => request<T>('DELETE', path);

/** Text of any thrown value, for toasts and error banners. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.problem.detail ?? err.problem.title;
  if (err instanceof Error) return err.message;
  return String(err);
}
