import { roles, type Team, type User, userUpdateSchema } from '@mailroom/core/schemas';
import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { Badge } from '../../../components/Badges';
import { ErrorBanner } from '../../../components/ErrorBanner';
import { SelectField, TextField } from '../../../components/Field';
import { Modal } from '../../../components/Modal';
import { TeamPicker, teamIdsError } from '../../../components/TeamPicker';
import { apiErrors, type FieldErrors, focusFirstError, validate } from '../../../lib/form';
import { dateTime, humanize, relTime } from '../../../lib/format';
import { auditLink, auditOf, type UserPatch } from '../../../lib/people';
import { latest } from '../../../lib/resource';

/**
 * One user: edit name, role, teams and sending identity (display name, sending address); reset the password, disable or enable, delete; and the latest
 * changes to them from the Main Log (who, when, what).
 */
export function UserDrawer(props: {
  user: User | null;
  isMe: boolean;
  teams: readonly Team[];
  /** Bumped by the page after any change, so the history reloads. */
  version: number;
  save: (user: User, patch: UserPatch) => Promise<unknown>;
  enable: (user: User) => Promise<unknown>;
  onReset: (user: User) => void;
  onDisable: (user: User) => void;
  onDelete: (user: User) => void;
  onClose: () => void;
}) {
  const [name, setName] = createSignal('');
  const [role, setRole] = createSignal('viewer');
  const [teamIds, setTeamIds] = createSignal<string[]>([]);
  const [displayName, setDisplayName] = createSignal('');
  const [sendingAddress, setSendingAddress] = createSignal('');
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  let form: HTMLFormElement | undefined;

  // A new user (or the same one after a change elsewhere) resets the form to what is stored.
  createEffect(
    on(
      () => props.user,
      (u) => {
        if (!u) return;
        setName(u.name);
        setRole(u.role);
        setTeamIds([...u.teamIds]);
        setDisplayName(u.displayName ?? '');
        setSendingAddress(u.sendingAddress ?? '');
        setErrors({});
        setError(undefined);
      },
    ),
  );
  const [history] = createResource(
    () => (props.user ? { email: props.user.email, v: props.version } : undefined),
    (k) => auditOf(k.email),
  );

  async function save(e: Event) {
    e.preventDefault();
    const u = props.user;
    if (!u) return;
    const patch: UserPatch = {};
    if (name().trim() !== u.name) patch.name = name();
    if (role() !== u.role) patch.role = role();
    const sameTeams = teamIds().length === u.teamIds.length && teamIds().every((t) => u.teamIds.includes(t));
    if (!sameTeams) patch.teamIds = teamIds();
    if (displayName().trim() !== (u.displayName ?? '')) patch.displayName = displayName();
    if (sendingAddress().trim() !== (u.sendingAddress ?? '')) patch.sendingAddress = sendingAddress();
    if (Object.keys(patch).length === 0)
      return setErrors({ '': 'Nothing to save: change the name, role, teams or sending identity.' });
    const v = validate(userUpdateSchema, patch);
    if (!v.ok) {
      setErrors(v.errors);
      return focusFirstError(form);
    }
    setBusy(true);
    try {
      await props.save(u, patch);
      setErrors({});
    } catch (err) {
      setErrors(apiErrors(err));
      focusFirstError(form);
    } finally {
      setBusy(false);
    }
  }
  async function enable() {
    const u = props.user;
    if (!u) return;
    try {
      await props.enable(u);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Modal
      drawer
      open={!!props.user}
      onOpenChange={(o) => !o && props.onClose()}
      title={props.user ? `${props.user.name}${props.isMe ? ' (you)' : ''}` : ''}
      description={props.user ? `${props.user.email} · created ${dateTime(props.user.createdAt)}` : ''}
    >
      <Show when={props.user}>
        {(u) => (
          <div class="stack">
            <Show when={u().disabledAt}>
              <div class="banner warn" role="status">
                <div>
                  <strong>Disabled {relTime(u().disabledAt)}</strong>
                  <p>No sign-in; their sessions ended and the API tokens they created are refused.</p>
                </div>
              </div>
            </Show>
            <Show when={u().mustChangePassword && !u().disabledAt}>
              <div class="banner info" role="status">
                <div>
                  <strong>Password reset</strong>
                  <p>At the next sign-in they must choose a new password before anything else.</p>
                </div>
              </div>
            </Show>
            <ErrorBanner error={error()} />

            <form ref={form} class="stack" novalidate onSubmit={save} aria-label="Edit user">
              <h3 style={{ margin: 0 }}>Profile and access</h3>
              <Show when={errors()['']}>
                <div class="banner error" role="alert">
                  {errors()['']}
                </div>
              </Show>
              <TextField label="Name" value={name()} onValue={setName} error={errors().name} />
              <SelectField
                label="Role"
                value={role()}
                onValue={setRole}
                options={roles.map((r) => ({ value: r, label: humanize(r) }))}
                error={errors().role}
                help="Admins manage everything; team admins their teams' accounts; viewers read. Demoting revokes API tokens they made above the new role."
              />
              <TeamPicker
                legend="Teams"
                teams={props.teams}
                value={teamIds()}
                onValue={setTeamIds}
                error={teamIdsError(errors())}
                help={role() === 'team_admin' ? 'A team admin needs at least one team.' : undefined}
              />
              <div class="grid2">
                <TextField
                  label="Display name"
                  value={displayName()}
                  onValue={setDisplayName}
                  placeholder={u().name}
                  error={errors().displayName}
                  help="On mail they send without a From. Empty: their name."
                />
                <TextField
                  label="Sending address"
                  type="email"
                  value={sendingAddress()}
                  onValue={setSendingAddress}
                  placeholder="name@example.com"
                  error={errors().sendingAddress}
                  help="Their sends without a From use it, if the account's Send-as list allows it. Empty: the account's own."
                />
              </div>
              <div class="actions" style={{ 'justify-content': 'flex-end' }}>
                <button type="submit" class="btn primary" disabled={busy()}>
                  {busy() ? 'Saving…' : 'Save changes'}
                </button>
              </div>
            </form>

            <section class="stack" aria-labelledby="user-actions">
              <h3 id="user-actions" style={{ margin: 0 }}>
                Sign-in
              </h3>
              <div class="actions">
                <button type="button" class="btn" onClick={() => props.onReset(u())}>
                  Reset password…
                </button>
                <Show
                  when={u().disabledAt}
                  fallback={
                    <button type="button" class="btn danger" onClick={() => props.onDisable(u())}>
                      Disable…
                    </button>
                  }
                >
                  <button type="button" class="btn" onClick={enable}>
                    Enable
                  </button>
                </Show>
                <button type="button" class="btn danger" onClick={() => props.onDelete(u())}>
                  Delete…
                </button>
              </div>
            </section>

            <section class="stack" aria-labelledby="user-history">
              <h3 id="user-history" style={{ margin: 0 }}>
                Recent changes
              </h3>
              <ErrorBanner error={history.error} title="Cannot load the changes" />
              <ul class="stack" style={{ margin: 0, padding: 0, 'list-style': 'none' }}>
                <For
                  each={latest(history)?.items ?? []}
                  fallback={
                    <li class="muted">{history.loading ? 'Loading…' : 'No changes recorded yet.'}</li>
                  }
                >
                  {(row) => (
                    <li>
                      <div>{row.message}</div>
                      <div class="muted" style={{ 'font-size': '12.5px' }}>
                        {dateTime(row.at)} · by {row.actor ?? 'system'}{' '}
                        <Show when={row.level === 'warning'}>
                          <Badge tone="warn">{humanize(row.level)}</Badge>
                        </Show>
                      </div>
                    </li>
                  )}
                </For>
              </ul>
              <A href={auditLink(u().email)}>All changes naming {u().email} in the Main Log</A>
            </section>
          </div>
        )}
      </Show>
    </Modal>
  );
}
