// Account endpoints, typed with the shared contract (types only: no zod in the list's chunk; the
// transports' summaries come from @mailroom/core/summaries, which loads no zod either).
import type {
  AccountListQuery,
  AccountView,
  Comment,
  ConnectionTestResult,
  Direction,
  ListResult,
  Stage,
  TimelineEvent,
  VerificationStarted,
  VerificationState,
} from '@mailroom/core/schemas';
import { outgoingSummary } from '@mailroom/core/summaries';
import { del, get, patch, post } from './api';

export const listAccounts = (q: AccountListQuery) =>
  get<ListResult<AccountView>>('/accounts', q as Record<string, string | number | undefined>);
export const getAccount = (id: string) => get<AccountView>(`/accounts/${encodeURIComponent(id)}`);
export const createAccount = (body: unknown) => post<AccountView>('/accounts', body);
export const updateAccount = (id: string, body: unknown) =>
  patch<AccountView>(`/accounts/${encodeURIComponent(id)}`, body);
export const deleteAccount = (id: string) => del<AccountView>(`/accounts/${encodeURIComponent(id)}`);
export const changeStage = (id: string, stage: Stage, reason?: string) =>
  post<AccountView>(`/accounts/${encodeURIComponent(id)}/stage`, { stage, reason: reason || undefined });
export const listComments = (id: string) =>
  get<{ items: Comment[] }>(`/accounts/${encodeURIComponent(id)}/comments`);
export const addComment = (id: string, body: string) =>
  post<Comment>(`/accounts/${encodeURIComponent(id)}/comments`, { body });
export const timeline = (id: string) =>
  get<{ items: TimelineEvent[] }>(`/accounts/${encodeURIComponent(id)}/timeline`);
export const testAccount = (id: string, direction: Direction, options: { deliverability?: boolean } = {}) =>
  post<ConnectionTestResult>(`/accounts/${encodeURIComponent(id)}/test`, { direction, ...options });
export const testSettings = (body: unknown) => post<ConnectionTestResult>('/connection-tests', body);
export const getVerification = (id: string) =>
  get<VerificationState>(`/accounts/${encodeURIComponent(id)}/verification`);
export const sendVerification = (id: string, to: string) =>
  post<VerificationStarted>(`/accounts/${encodeURIComponent(id)}/verification`, { to });
export const confirmVerification = (id: string, code: string) =>
  post<unknown>(`/accounts/${encodeURIComponent(id)}/verification/confirm`, { code });

/** Which directions an account carries, for badges and the test buttons. */
export const directionsOf = (a: Pick<AccountView, 'outgoing' | 'incoming'>): Direction[] =>
  [a.outgoing ? 'outgoing' : null, a.incoming ? 'incoming' : null].filter((d): d is Direction => d !== null);

/** The host a person recognises an account by (outgoing first, as its transport summarises it). */
export function hostOf(a: AccountView): string {
  if (a.outgoing) return outgoingSummary(a.outgoing).line;
  return a.incoming ? `${a.incoming.host}:${a.incoming.port}` : '—';
}
