// Rows that belong to the system or to one team (suppressions, webhook endpoints): how a row's scope
// reads, who may change it, and where a new one starts (the field: components/ScopeField).
import { canEdit, isAdmin, me, teamName } from './session';

/** `System`, or `Team <name>`. */
export const scopeLabel = (teamId: string | null) => (teamId ? `Team ${teamName(teamId)}` : 'System');

/** Admins change any row; team admins their own teams' rows (never system ones); viewers none. */
export const canManageScope = (teamId: string | null) =>
  isAdmin() || (canEdit() && teamId !== null && (me()?.user.teamIds ?? []).includes(teamId));

/** Where a new row starts: the system for admins, else the person's first team. */
export const defaultScope = () => (isAdmin() ? '' : (me()?.user.teamIds[0] ?? ''));
