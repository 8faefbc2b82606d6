import type { ServerResponse } from 'node:http';
import type { EventLog } from '../events.js';
import type { FaultEngine } from '../faults/engine.js';
import type { ReportMailer } from '../faults/reports.js';
import type { OAuthProvider } from '../oauth/provider.js';
import type { MessageStore } from '../store/store.js';
import type { MessageFilter } from '../types.js';
import { HttpError } from './respond.js';

/** What the HTTP routes work with. */
export interface HttpContext {
  store: MessageStore;
  faults: FaultEngine;
  events: EventLog;
  mailgunApiKey: string | null;
  /** The key pair SES requests must be signed with (SigV4), or null to accept any signature. */
  sesCredentials: { accessKeyId: string; secretAccessKey: string } | null;
  maxMessageSize: number;
  /** The OAuth2 provider emulation (`/oauth/*`, `/api/oauth/*`). */
  oauth: OAuthProvider;
  /** Where `bounce` and `complain` rules at the `ses` stage send their reports. */
  reports: ReportMailer;
  /** Clears messages and fault rules. */
  reset: () => void;
  log: (line: string) => void;
  /** Open event streams and long polls, ended when the server closes. */
  open: Set<ServerResponse>;
}

/** The message filter named by the query string. */
export function filterFrom(query: URLSearchParams): MessageFilter {
  const get = (name: string) => query.get(name) || undefined;
  return {
    // An unencoded plus tag (`?to=ann+t1@x.org`) arrives as a space; addresses have no spaces.
    to: get('to')?.replace(/ /g, '+'),
    tag: get('tag'),
    user: get('user'),
    from: get('from'),
    subject: get('subject'),
    q: get('q'),
  };
}

/** An integer query parameter within bounds, or the default; 400 names the parameter otherwise. */
export function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`, {
      errors: [{ path: name, message: `expected an integer from ${min} to ${max}` }],
    });
  }
  return value;
}
