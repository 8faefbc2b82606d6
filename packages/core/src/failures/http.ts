import { type Failure, failure, failureTable, situationHints, temporaryNote } from './table';

/** A non-2xx answer of an HTTP mail API (Mailgun and its kind). */
export type HttpReply = {
  /** Who answered, as the message names it: "Mailgun". */
  service: string;
  status: number;
  /** What was asked, as the message names it: "the message" for a send; "the request" by default. */
  what?: string | undefined;
  /** The answer as shown: the status and the API's own words, already cut short and free of secrets. */
  reply?: string | undefined;
  /** Service-specific advice in place of the general one (where to find the key, which region …). */
  hints?: { auth?: string | undefined; notFound?: string | undefined } | undefined;
};

/**
 * Turns an API's HTTP status into its class. 401/403: the key (the account's trouble, may pass once fixed);
 * 429 and 5xx may pass; other 4xx refuse this request for good; a redirect is never followed.
 */
export function httpReplyFailure(r: HttpReply): Failure {
  const { service, status } = r;
  const what = r.what ?? 'the request';
  const base = { reply: r.reply, responseCode: status };
  if (status >= 300 && status < 400) {
    return failure('protocol', `${service} answered with a redirect (${status})`, {
      ...base,
      hint: situationHints.apiRedirect,
      temporary: true,
      accountLevel: true,
    });
  }
  if (status === 401 || status === 403) {
    return failure('auth', `${service} refused the API key`, {
      ...base,
      hint: r.hints?.auth ?? situationHints.apiKey,
      temporary: true,
      accountLevel: true,
    });
  }
  if (status === 429 || status >= 500) {
    return failure('rejected', `${service} refused ${what} (${status})`, {
      ...base,
      hint: failureTable.rejected.hint + temporaryNote,
      temporary: true,
      // A busy API slows this account's sends; a failing one is the account's trouble.
      accountLevel: status >= 500,
    });
  }
  if (status >= 400) {
    return failure('rejected', `${service} refused ${what} (${status})`, {
      ...base,
      hint: (status === 404 ? r.hints?.notFound : undefined) ?? failureTable.rejected.hint,
      temporary: false,
      accountLevel: false,
    });
  }
  return failure('protocol', `${service} answered HTTP ${status}`, {
    ...base,
    hint: situationHints.apiUrl,
    temporary: true,
    accountLevel: true,
  });
}

/** A token endpoint's refusal (RFC 6749 §5.2): its `error` code and description, never its whole body. */
export type TokenReply = { status: number; error?: string | undefined; description?: string | undefined };

/**
 * Turns a failed refresh-token grant into an `auth` failure: the account cannot sign in until it has a
 * token. The advice follows the endpoint's error code: a revoked grant needs a reconnect, a refused client
 * its app settings, a failing endpoint only time.
 */
export function tokenReplyFailure(r: TokenReply): Failure {
  const why = [r.error, r.description]
    .filter((x): x is string => typeof x === 'string' && x !== '')
    .map((x) => x.slice(0, 200))
    .join(': ');
  const down = r.status === 429 || r.status >= 500;
  const hint =
    r.error === 'invalid_client' || r.error === 'unauthorized_client'
      ? situationHints.tokenClient
      : down
        ? situationHints.tokenEndpointDown
        : situationHints.tokenRevoked;
  return failure(
    'auth',
    `The token endpoint refused the refresh token (HTTP ${r.status}${why ? `, ${why}` : ''})`,
    { responseCode: r.status, hint, temporary: true, accountLevel: true },
  );
}
