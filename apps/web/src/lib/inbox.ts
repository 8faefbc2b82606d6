import type { CursorListResult, InboxMessage, InboxSummary } from '@mailroom/core/schemas';
import { get, post } from './api';

export const listInbox = (q: {
  accountId?: string;
  teamId?: string | undefined;
  q?: string;
  cursor?: string;
  pageSize?: number;
}) => get<CursorListResult<InboxSummary>>('/inbox', q);
export const getInboxMessage = (id: string) => get<InboxMessage>(`/inbox/${encodeURIComponent(id)}`);
export const rawUrl = (id: string) => `/api/v1/inbox/${encodeURIComponent(id)}/raw`;
export const fetchNow = (accountId: string) =>
  post<{
    fetched: number;
    duplicates: number;
    durationMs: number;
    error?: { code: string; message: string; hint: string };
  }>(`/accounts/${encodeURIComponent(accountId)}/fetch`);
