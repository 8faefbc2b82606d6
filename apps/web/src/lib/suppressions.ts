import type {
  CursorListResult,
  SuppressionImportResult,
  SuppressionInput,
  SuppressionView,
} from '@mailroom/core/schemas';
import { API, del, get, post, qs, request } from './api';

export const listSuppressions = (q: {
  q?: string;
  reason?: string;
  teamId?: string | undefined;
  cursor?: string;
  pageSize?: number;
}) => get<CursorListResult<SuppressionView>>('/suppressions', q);
export const addSuppression = (body: SuppressionInput) => post<SuppressionView>('/suppressions', body);
export const removeSuppression = (id: string) => del<void>(`/suppressions/${encodeURIComponent(id)}`);
export const importSuppressions = (csv: string, teamId?: string) =>
  request<SuppressionImportResult>('POST', '/suppressions/import', {
    query: { teamId },
    raw: { body: csv, type: 'text/csv' },
  });
/** The export is a download: a plain link, sent with the session cookie; the list's team filter with it. */
export const exportUrl = (teamId?: string) => `${API}/suppressions/export${qs({ teamId })}`;
