import type { DefaultEntry, DefaultSet, Direction, RoutingExplain } from '@mailroom/core/schemas';
import { get, put } from './api';

export const listDefaults = () => get<{ items: DefaultEntry[] }>('/defaults');
export const setDefault = (body: DefaultSet) => put<unknown>('/defaults', body);
/** The plan a send would follow: account, Send-as verdict, refusal. An empty `from` explains your own sending identity. */
export const explainRoute = (from: string, teamId?: string, accountId?: string) =>
  get<RoutingExplain>('/routing/explain', { from, teamId, accountId });

/** The current default of a scope, if any. */
export const defaultOf = (items: DefaultEntry[], teamId: string | null, direction: Direction) =>
  items.find((d) => d.teamId === teamId && d.direction === direction);
