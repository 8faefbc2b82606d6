import { roles, type User, userInputSchema } from '@mailroom/core/schemas';
import { createResource, createSignal, For, Show } from 'solid-js';
import { Badge } from '../../components/Badges';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectField, TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { TeamPicker, teamIdsError } from '../../components/TeamPicker';
import { toast } from '../../components/Toasts';
import { apiErrors, type FieldErrors, focusFirstError, validate } from '../../lib/form';
import { dateTime, humanize, relTime } from '../../lib/format';
import { createUser, deleteUser, disableUser, enableUser, listUsers, updateUser } from '../../lib/people';
import { latest } from '../../lib/resource';
import { loadMe, me, teamName, teams } from '../../lib/session';
import { AdminOnly } from './AdminOnly';
import { ConfirmUserDialog, type UserAction } from './users/ConfirmUserDialog';
import { ResetPasswordDialog } from './users/ResetPasswordDialog';
import { UserDrawer } from './users/UserDrawer';

/** People who sign in to Mailroom: their role and teams, and everything an admin does to them. */
export default function Users() {
  const [users, { refetch, mutate }] = createResource(listUsers);
  const [open, setOpen] = createSignal(false);
  const [selectedId, setSelectedId] = createSignal<string | null>(null);
  const [resetting, setResetting] = createSignal<User | null>(null);
  const [confirming, setConfirming] = createSignal<{ user: User; action: UserAction } | null>(null);
  const [version, setVersion] = createSignal(0);

  const items = () => latest(users)?.items ?? [];
  const selected = () => items().find((u) => u.id === selectedId()) ?? null;
  const isMe = (u: User) => u.id === me()?.user.id;

  /** Put a changed user into the list at once, then refresh the history and (for yourself) the session. */
  function changed(u: User) {
    mutate((r) => r && { ...r, items: r.items.map((x) => (x.id === u.id ? u : x)) });
    setVersion((v) => v + 1);
    if (isMe(u)) void loadMe();
  }

  async function run(u: User, action: UserAction, reason: string) {
    if (action === 'disable') {
      changed(await disableUser(u.id, reason || undefined));
      toast(`${u.name} disabled: their sessions and tokens are refused`);
    } else {
      const r = await deleteUser(u.id);
      setSelectedId(null);
      toast(`${u.name} deleted${r.revokedTokens ? `; ${r.revokedTokens} API token(s) revoked` : ''}`);
      void refetch();
    }
  }

  return (
    <AdminOnly
      title="Users"
      lead="Admins manage everything; team admins manage their team's accounts; viewers read."
      actions={
        <button type="button" class="btn primary" onClick={() => setOpen(true)}>
          New user
        </button>
      }
    >
      <section class="card">
        <ErrorBanner error={users.error} title="Cannot load the users" />
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Teams</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={items()}>
                {(u) => (
                  <tr>
                    <td>
                      {u.name}
                      <Show when={isMe(u)}>
                        {' '}
                        <span class="sub">(you)</span>
                      </Show>
                    </td>
                    <td>{u.email}</td>
                    <td>
                      <Badge plain tone={u.role === 'admin' ? 'accent' : ''}>
                        {humanize(u.role)}
                      </Badge>
                    </td>
                    <td>{u.teamIds.map(teamName).join(', ') || <span class="muted">—</span>}</td>
                    <td>
                      <Show
                        when={u.disabledAt}
                        fallback={
                          <Show when={u.mustChangePassword} fallback={<Badge tone="ok">Active</Badge>}>
                            <Badge tone="info" title="Must choose a new password at the next sign-in">
                              Password reset
                            </Badge>
                          </Show>
                        }
                      >
                        <Badge tone="bad" title={`Disabled ${dateTime(u.disabledAt)}`}>
                          Disabled
                        </Badge>{' '}
                        <span class="sub">{relTime(u.disabledAt)}</span>
                      </Show>
                    </td>
                    <td>{dateTime(u.createdAt)}</td>
                    <td>
                      <button
                        type="button"
                        class="btn small"
                        aria-label={`Manage ${u.name}`}
                        onClick={() => setSelectedId(u.id)}
                      >
                        Manage
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </section>
      <NewUser
        open={open()}
        onClose={() => setOpen(false)}
        onDone={() => {
          setOpen(false);
          void refetch();
        }}
      />
      <UserDrawer
        user={selected()}
        isMe={!!selected() && isMe(selected()!)}
        teams={teams()}
        version={version()}
        save={async (u, patch) => {
          changed(await updateUser(u.id, patch));
          toast(`${u.name} saved`);
        }}
        enable={async (u) => {
          changed(await enableUser(u.id));
          toast(`${u.name} enabled`);
        }}
        onReset={setResetting}
        onDisable={(user) => setConfirming({ user, action: 'disable' })}
        onDelete={(user) => setConfirming({ user, action: 'delete' })}
        onClose={() => setSelectedId(null)}
      />
      <ResetPasswordDialog user={resetting()} onClose={() => setResetting(null)} onDone={changed} />
      <ConfirmUserDialog
        user={confirming()?.user ?? null}
        action={confirming()?.action ?? 'disable'}
        run={(u, reason) => run(u, confirming()?.action ?? 'disable', reason)}
        onClose={() => setConfirming(null)}
      />
    </AdminOnly>
  );
}

function NewUser(props: { open: boolean; onClose: () => void; onDone: () => void }) {
  const blank = () => ({ email: '', name: '', password: '', role: 'viewer', teamIds: [] as string[] });
  const [f, setF] = createSignal(blank());
  const [errors, setErrors] = createSignal<FieldErrors>({});
  let form: HTMLFormElement | undefined;
  const set = (k: string, v: unknown) => setF((x) => ({ ...x, [k]: v }));
  async function submit(e: Event) {
    e.preventDefault();
    const v = validate(userInputSchema, f());
    if (!v.ok) {
      setErrors(v.errors);
      return focusFirstError(form);
    }
    try {
      await createUser(v.data);
      toast(`User ${v.data.email} created`);
      setF(blank());
      setErrors({});
      props.onDone();
    } catch (err) {
      setErrors(apiErrors(err));
      focusFirstError(form);
    }
  }
  return (
    <Modal open={props.open} onOpenChange={(o) => !o && props.onClose()} title="New user">
      <form ref={form} class="stack" novalidate onSubmit={submit}>
        <Show when={errors()['']}>
          <div class="banner error">{errors()['']}</div>
        </Show>
        <TextField
          label="Email"
          type="email"
          value={f().email}
          onValue={(v) => set('email', v)}
          error={errors().email}
        />
        <TextField label="Name" value={f().name} onValue={(v) => set('name', v)} error={errors().name} />
        <TextField
          label="Initial password"
          type="password"
          autocomplete="new-password"
          value={f().password}
          onValue={(v) => set('password', v)}
          error={errors().password}
          help="At least 10 characters; share it privately."
        />
        <SelectField
          label="Role"
          value={f().role}
          onValue={(v) => set('role', v)}
          options={roles.map((r) => ({ value: r, label: humanize(r) }))}
          error={errors().role}
        />
        <TeamPicker
          legend="Teams"
          teams={teams()}
          value={f().teamIds}
          onValue={(ids) => set('teamIds', ids)}
          error={teamIdsError(errors())}
          help={f().role === 'team_admin' ? 'A team admin needs at least one team.' : undefined}
        />
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button type="button" class="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn primary">
            Create user
          </button>
        </div>
      </form>
    </Modal>
  );
}
