import type { CursorListResult, MessageView } from '@mailroom/core/schemas';
import { get, post } from './api';

export const listMessages = (q: {
  status?: string;
  accountId?: string;
  teamId?: string | undefined;
  q?: string;
  cursor?: string;
  pageSize?: number;
}) => get<CursorListResult<MessageView>>('/messages', q);
export const getMessage = (id: string) => get<MessageView>(`/messages/${encodeURIComponent(id)}`);
export const retryMessage = (id: string) => post<MessageView>(`/messages/${encodeURIComponent(id)}/retry`);
export const cancelMessage = (id: string) => post<MessageView>(`/messages/${encodeURIComponent(id)}/cancel`);
/** A fresh Idempotency-Key per compose, so a double click never sends twice. */
export const sendMessage = (body: unknown, key: string) =>
  post<{ id: string; status: string; accountId: string | null; route: { reason: string } }>(
    '/messages',
    body,
    {
      'Idempotency-Key': key,
    },
  );
