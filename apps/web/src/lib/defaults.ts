import type { DefaultEntry, DefaultSet, Direction, RoutingExplain } from '@mailroom/core/schemas';
import { get, put } from './api';

export const listDefaults = () => get<{ items: DefaultEntry[] }>('/defaults');
export const setDefault = (body: DefaultSet) => put<unknown>('/defaults', body);
export const explainRoute = (from: string, teamId?: string) =>
  get<RoutingExplain>('/routing/explain', { from, teamId });

/** The current default of a scope, if any. */
export const defaultOf = (items: DefaultEntry[], teamId: string | null, direction: Direction) =>
  items.find((d) => d.teamId === teamId && d.direction === direction);
