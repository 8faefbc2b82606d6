// People endpoints (users, teams, the audit trail of both), typed with the shared contract (types only).
import type {
  ConditionGroup,
  ListResult,
  LogEntry,
  PasswordResetResult,
  SuppressionScope,
  Team,
  TeamDeleted,
  User,
} from '@mailroom/core/schemas';
import { del, get, patch, post, qs, request } from './api';

const at = (id: string) => encodeURIComponent(id);

export const listUsers = () => get<{ items: User[] }>('/users');
export const createUser = (body: unknown) => post<User>('/users', body);
export type UserPatch = {
  name?: string;
  role?: string;
  teamIds?: string[];
  displayName?: string;
  sendingAddress?: string;
};
export const updateUser = (id: string, body: UserPatch) => patch<User>(`/users/${at(id)}`, body);
export const disableUser = (id: string, reason?: string) =>
  post<User>(`/users/${at(id)}/disable`, reason ? { reason } : {});
export const enableUser = (id: string) => post<User>(`/users/${at(id)}/enable`);
export const deleteUser = (id: string) =>
  del<{ id: string; email: string; revokedTokens: number }>(`/users/${at(id)}`);
/** Without `password`, Mailroom generates one and returns it once. */
export const resetPassword = (id: string, password?: string) =>
  post<PasswordResetResult>(`/users/${at(id)}/password-reset`, password ? { password } : {});

export const createTeam = (name: string, suppressionScope: SuppressionScope) =>
  post<Team>('/teams', { name, suppressionScope });
export const updateTeam = (id: string, change: { name?: string; suppressionScope?: SuppressionScope }) =>
  patch<Team>(`/teams/${at(id)}`, change);
export const deleteTeam = (id: string, moveAccounts: boolean) =>
  request<TeamDeleted>('DELETE', `/teams/${at(id)}`, {
    query: { moveAccountsTo: moveAccounts ? 'system' : undefined },
  });

// The people side's changes are Main Log rows with source `audit`; the target's email is in the message.
const auditFilter: ConditionGroup = { all: [{ field: 'source', op: 'eq', value: 'audit' }] };

/** The latest audit rows that name someone (as target or actor). */
export const auditOf = (email: string, pageSize = 8) =>
  get<ListResult<LogEntry>>('/logs', { source: 'audit', q: email, pageSize });

/** The Main Log, filtered on the people side's changes that name someone. */
export const auditLink = (email: string) => `/logs${qs({ q: email, filter: JSON.stringify(auditFilter) })}`;
