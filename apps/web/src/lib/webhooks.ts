import type {
  CursorListResult,
  ListResult,
  Webhook,
  WebhookDelivery,
  WebhookInput,
  WebhookUpdate,
  WebhookWithSecret,
} from '@mailroom/core/schemas';
import { del, get, patch, post } from './api';

/** The endpoint list in the shape the list page pages through (one page: endpoints are few). */
export const listWebhooks = async (q: {
  teamId?: string | undefined;
}): Promise<CursorListResult<Webhook>> => {
  const r = await get<ListResult<Webhook>>('/webhooks', { teamId: q.teamId, pageSize: 500 });
  return { ...r, nextCursor: null, prevCursor: null, totalCapped: false };
};
export const createWebhook = (body: WebhookInput) => post<WebhookWithSecret>('/webhooks', body);
export const updateWebhook = (id: string, body: WebhookUpdate) =>
  patch<Webhook>(`/webhooks/${encodeURIComponent(id)}`, body);
export const deleteWebhook = (id: string) => del<{ id: string }>(`/webhooks/${encodeURIComponent(id)}`);
export const rotateSecret = (id: string, overlapSeconds: number) =>
  post<WebhookWithSecret>(`/webhooks/${encodeURIComponent(id)}/rotate-secret`, { overlapSeconds });
export const sendTest = (id: string) =>
  post<{ eventId: string; deliveryId: string }>(`/webhooks/${encodeURIComponent(id)}/test`);
export const listDeliveries = (id: string) =>
  get<ListResult<WebhookDelivery>>(`/webhooks/${encodeURIComponent(id)}/deliveries`, { pageSize: 50 });
export const replay = (deliveryId: string) =>
  post<WebhookDelivery>(`/webhooks/deliveries/${encodeURIComponent(deliveryId)}/replay`);
