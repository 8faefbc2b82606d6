import { A, type RouteSectionProps, useLocation, useNavigate } from '@solidjs/router';
import {
  createResource,
  createSignal,
  ErrorBoundary,
  For,
  type JSX,
  lazy,
  Match,
  Show,
  Suspense,
  Switch,
} from 'solid-js';
import {
  changeMyPassword,
  isAdmin,
  loadMe,
  loadTeams,
  me,
  mustChangePassword,
  setTeamScope,
  signOut,
  teamScope,
  teams,
} from '../lib/session';
import { effectiveTheme, setTheme } from '../lib/theme';
import { ErrorBanner } from './ErrorBanner';
import { Icon } from './Icon';
import { Toasts } from './Toasts';

// Lazy: both bring the password schema (zod), which the entry chunk does without.
const ChoosePassword = lazy(() => import('../routes/ChoosePassword'));
const ChangePasswordDialog = lazy(() => import('./ChangePasswordDialog'));
const ProfileDialog = lazy(() => import('./ProfileDialog'));

const nav: Array<{ href: string; label: string; icon: string; admin?: boolean; section?: string }> = [
  { href: '/accounts', label: 'Mail accounts', icon: 'mail', section: 'Mail' },
  { href: '/defaults', label: 'Defaults & routing', icon: 'route' },
  { href: '/outbox', label: 'Outbox', icon: 'send' },
  { href: '/inbox', label: 'Inbox', icon: 'inbox' },
  { href: '/suppressions', label: 'Suppressions', icon: 'block' },
  { href: '/webhooks', label: 'Webhooks', icon: 'plug' },
  { href: '/logs', label: 'Logs', icon: 'list', section: 'Observe' },
  { href: '/reports', label: 'Reports', icon: 'chart' },
  { href: '/admin/users', label: 'Users', icon: 'users', admin: true, section: 'Administration' },
  { href: '/admin/teams', label: 'Teams', icon: 'team', admin: true },
  { href: '/admin/tokens', label: 'API tokens', icon: 'key', admin: true },
];

/** The signed-in frame: top bar, side navigation, and the guard that sends strangers to sign in. */
export function Shell(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();
  const [session] = createResource(async () => {
    const m = me() ?? (await loadMe());
    if (!m) {
      const next = location.pathname + location.search;
      navigate('/login' + (next && next !== '/' ? '?next=' + encodeURIComponent(next) : ''), {
        replace: true,
      });
      return null;
    }
    void loadTeams();
    return m;
  });

  return (
    <Switch>
      <Match when={session.error}>
        <div class="auth-page">
          <div class="card auth-card">
            <ErrorBanner error={session.error} title="Cannot load Mailroom" />
            <button
              type="button"
              class="btn primary"
              onClick={() => location.pathname && window.location.reload()}
            >
              Try again
            </button>
          </div>
        </div>
      </Match>
      <Match when={session() && mustChangePassword()}>
        {/* After an admin's reset the API refuses everything but choosing a new password. */}
        <Suspense fallback={<PageLoading />}>
          <ChoosePassword />
        </Suspense>
      </Match>
      <Match when={session() && me()}>
        {/* A button, not a hash link: the router would treat "#main" as a navigation. */}
        <button type="button" class="skip-link" onClick={() => document.getElementById('main')?.focus()}>
          Skip to content
        </button>
        <div class="shell">
          <TopBar />
          <nav class="sidenav" aria-label="Main">
            <For each={nav.filter((n) => !n.admin || isAdmin())}>
              {(n) => (
                <>
                  <Show when={n.section}>
                    <div class="section" aria-hidden="true">
                      {n.section}
                    </div>
                  </Show>
                  <A href={n.href} activeClass="active">
                    <Icon name={n.icon} />
                    {n.label}
                  </A>
                </>
              )}
            </For>
          </nav>
          <main id="main" tabindex="-1">
            {/* Last resort: a screen that throws shows the error and a way back, not a blank page. */}
            <ErrorBoundary
              fallback={(err, reset) => (
                <div class="stack">
                  <ErrorBanner error={err} title="This screen failed" />
                  <div>
                    <button type="button" class="btn" onClick={reset}>
                      Try again
                    </button>
                  </div>
                </div>
              )}
            >
              <Suspense fallback={<PageLoading />}>{props.children}</Suspense>
            </ErrorBoundary>
          </main>
        </div>
        <Toasts />
      </Match>
    </Switch>
  );
}

function PageLoading(): JSX.Element {
  return (
    <div class="row muted" role="status">
      <span class="spinner" /> Loading…
    </div>
  );
}

function TopBar() {
  const navigate = useNavigate();
  const [changing, setChanging] = createSignal(false);
  // Loaded on first use and kept, so closing it returns focus like every other dialog.
  const [dialogLoaded, setDialogLoaded] = createSignal(false);
  const [editingProfile, setEditingProfile] = createSignal(false);
  const [profileLoaded, setProfileLoaded] = createSignal(false);
  const user = () => me()?.user;
  const initials = () =>
    (user()?.name ?? user()?.email ?? '?')
      .split(/\s+/)
      .map((w) => w[0])
      .join('')
      .slice(0, 2)
      .toUpperCase();
  return (
    <header class="topbar">
      <A href="/accounts" class="brand">
        <span class="brand-mark">
          <Icon name="mail" />
        </span>
        Mailroom
      </A>
      <span class="spacer" />
      <Show when={isAdmin()}>
        <label class="row">
          <span class="muted">Team</span>
          <select
            aria-label="Team scope"
            style={{ width: 'auto' }}
            value={teamScope()}
            onChange={(e) => setTeamScope(e.currentTarget.value)}
          >
            <option value="">All teams</option>
            <option value="system">System only</option>
            <For each={teams()}>{(t) => <option value={t.id}>{t.name}</option>}</For>
          </select>
        </label>
      </Show>
      <button
        type="button"
        class="btn ghost icon"
        aria-label={effectiveTheme() === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
        title="Toggle theme"
        onClick={() => setTheme(effectiveTheme() === 'dark' ? 'light' : 'dark')}
      >
        <Icon name={effectiveTheme() === 'dark' ? 'sun' : 'moon'} />
      </button>
      <div class="userbox">
        <span class="avatar" aria-hidden="true">
          {initials()}
        </span>
        <span class="who">
          <span>{user()?.name}</span>
          <small>
            {user()?.email} · {user()?.role.replace('_', ' ')}
          </small>
        </span>
        <Show when={me()?.via === 'session'}>
          <button
            type="button"
            class="btn ghost small"
            onClick={() => {
              setProfileLoaded(true);
              setEditingProfile(true);
            }}
          >
            <Icon name="send" /> Sending identity
          </button>
          <button
            type="button"
            class="btn ghost small"
            onClick={() => {
              setDialogLoaded(true);
              setChanging(true);
            }}
          >
            <Icon name="key" /> Change password
          </button>
        </Show>
        <button
          type="button"
          class="btn ghost small"
          onClick={async () => {
            await signOut();
            navigate('/login', { replace: true });
          }}
        >
          <Icon name="logout" /> Sign out
        </button>
      </div>
      <Show when={dialogLoaded()}>
        <ChangePasswordDialog open={changing()} onOpenChange={setChanging} submit={changeMyPassword} />
      </Show>
      <Show when={profileLoaded()}>
        <ProfileDialog open={editingProfile()} onOpenChange={setEditingProfile} />
      </Show>
    </header>
  );
}
