import type { Condition, ConditionGroup, CursorListResult, LogEntry } from '@mailroom/core/schemas';
import { get } from './api';

export type LogParams = {
  q?: string;
  teamId?: string | undefined;
  since?: string;
  until?: string;
  levels: string[];
  group?: ConditionGroup;
  cursor?: string | undefined;
  pageSize: number;
};

/** Conditions from the builder plus the level chips, as one group the API understands. */
export function composeFilter(
  group: ConditionGroup | undefined,
  levels: string[],
): ConditionGroup | undefined {
  const parts: Array<Condition | ConditionGroup> = [];
  const inner = group && ('all' in group ? group.all : group.any);
  if (group && inner?.length) parts.push(group);
  if (levels.length) parts.push({ field: 'level', op: 'in', value: levels });
  if (!parts.length) return undefined;
  if (parts.length === 1 && group && parts[0] === group) return group;
  return { all: parts };
}

export const fetchLogs = (p: LogParams) => {
  const filter = composeFilter(p.group, p.levels);
  return get<CursorListResult<LogEntry>>('/logs', {
    q: p.q,
    teamId: p.teamId,
    since: p.since,
    until: p.until,
    filter: filter ? JSON.stringify(filter) : undefined,
    cursor: p.cursor,
    pageSize: p.pageSize,
  });
};
