import type { suppressions } from '../db/schema';
import type { SuppressionView } from '../schemas/suppressions';

export type SuppressionRow = typeof suppressions.$inferSelect;

export function toSuppressionView(r: SuppressionRow): SuppressionView {
  return {
    id: r.id,
    address: r.address,
    teamId: r.teamId,
    reason: r.reason,
    source: r.source,
    messageId: r.messageId,
    detail: r.detail,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
  };
}

/** Addresses are compared lower-case: the list holds them so. */
export const normalAddress = (address: string): string => address.trim().toLowerCase();
