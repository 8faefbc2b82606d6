// Who is signed in, held once for the whole app; the CSRF token travels with it.
import type { Me, Team } from '@mailroom/core/schemas';
import { createEffect, createSignal, on } from 'solid-js';
import { ApiError, get, patch, post, setCsrfToken } from './api';

const [me, setMe] = createSignal<Me | null | undefined>(undefined);

export { me };

/** Ask the API who we are; null when there is no session (401). */
export async function loadMe(): Promise<Me | null> {
  try {
    const m = await get<Me>('/auth/me');
    setCsrfToken(m.csrfToken);
    setMe(m);
    return m;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      setMe(null);
      return null;
    }
    throw err;
  }
}

/** Sign in with email and password; the API sets the httpOnly session cookie. */
export async function signIn(email: string, password: string): Promise<Me> {
  const m = await post<Me>('/auth/login', { email, password });
  setCsrfToken(m.csrfToken);
  setMe(m);
  return m;
}

export async function signOut(): Promise<void> {
  try {
    await post('/auth/logout');
  } finally {
    setCsrfToken(undefined);
    setMe(null);
  }
}

/**
 * Change your own password (the current one, then the new one). The API keeps this session and ends the
 * others; a pending "choose a new password" after an admin's reset is cleared.
 */
export async function changeMyPassword(currentPassword: string, newPassword: string): Promise<Me> {
  const m = await post<Me>('/auth/password', { currentPassword, newPassword });
  if (m.csrfToken) setCsrfToken(m.csrfToken);
  setMe(m);
  return m;
}

/**
 * Change your own display name and sending address: what mail you send without a From carries (the
 * account's Send-as rule still applies). Empty text clears a field.
 */
export async function updateMyProfile(body: { displayName: string; sendingAddress: string }): Promise<Me> {
  const m = await patch<Me>('/auth/profile', body);
  if (m.csrfToken) setCsrfToken(m.csrfToken);
  setMe(m);
  return m;
}

/** An admin reset this session's password: nothing but choosing a new one works until it is done. */
export const mustChangePassword = () => me()?.via === 'session' && !!me()?.user.mustChangePassword;

export const isAdmin = () => me()?.user.role === 'admin';
export const canEdit = () => {
  const r = me()?.user.role;
  return r === 'admin' || r === 'team_admin';
};

// The header's team switcher: '' = every team (admins), 'system' = system-level accounts only.
const stored = typeof localStorage === 'undefined' ? '' : (localStorage.getItem('mailroom.team') ?? '');
const [teamScope, setTeamScopeSignal] = createSignal<string>(stored);

export { teamScope };
export function setTeamScope(v: string): void {
  setTeamScopeSignal(v);
  try {
    localStorage.setItem('mailroom.team', v);
  } catch {
    /* private mode: the choice lasts for this tab only */
  }
}

// Teams are needed by the header, the list filters and the form; load once and share.
const [teams, setTeams] = createSignal<Team[]>([]);

export { teams };

let teamsLoading: Promise<void> | undefined;
export function loadTeams(force = false): Promise<void> {
  if (!teamsLoading || force) {
    teamsLoading = get<{ items: Team[] }>('/teams')
      .then((r) => {
        setTeams(r.items);
      })
      .catch(() => {
        setTeams([]);
      });
  }
  return teamsLoading as Promise<void>;
}
export const teamName = (id: string | null | undefined) =>
  id == null ? 'System' : (teams().find((t) => t.id === id)?.name ?? id);

/**
 * The header's scope as the lists' `teamId` filter (a team's id or `system`); undefined for every team,
 * and for people who are not admins (the switcher is shown to admins only, so it never hides rows).
 */
export const scopeTeamId = () => (isAdmin() ? teamScope() || undefined : undefined);

/** What a list narrowed to a team says it shows: `Sales team`, `System only`, or nothing for every team. */
export const teamScopeLabelOf = (id: string | undefined) =>
  !id ? undefined : id === 'system' || id === 'null' ? 'System only' : `${teamName(id)} team`;

/** The header's scope as a list says it: `Sales team`, `System only`, or nothing. */
export const teamScopeLabel = () => teamScopeLabelOf(scopeTeamId());

/** Runs `fn` when the header's scope changes (not at first): a list drops its cursor, which was another list's. */
export const onTeamScopeChange = (fn: () => void) => createEffect(on(scopeTeamId, fn, { defer: true }));
