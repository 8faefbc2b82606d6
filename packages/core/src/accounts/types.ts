import type { accounts } from '../db/schema';

export type AccountRow = typeof accounts.$inferSelect;
