import { roles, type User, userInputSchema } from '@mailroom/core/schemas';
import { createResource, createSignal, For, Show } from 'solid-js';
import { Badge } from '../../components/Badges';
import { Field, SelectField, TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { toast } from '../../components/Toasts';
import { get, post } from '../../lib/api';
import { apiErrors, type FieldErrors, focusFirstError, validate } from '../../lib/form';
import { dateTime, humanize } from '../../lib/format';
import { latest } from '../../lib/resource';
import { teamName, teams } from '../../lib/session';
import { AdminOnly } from './AdminOnly';

/** People who sign in to Mailroom, with their role and teams. */
export default function Users() {
  const [users, { refetch }] = createResource(() => get<{ items: User[] }>('/users'));
  const [open, setOpen] = createSignal(false);
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
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Teams</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            <For each={latest(users)?.items ?? []}>
              {(u) => (
                <tr>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    <Badge plain tone={u.role === 'admin' ? 'accent' : ''}>
                      {humanize(u.role)}
                    </Badge>
                  </td>
                  <td>{u.teamIds.map(teamName).join(', ') || <span class="muted">—</span>}</td>
                  <td>{dateTime(u.createdAt)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
      <NewUser
        open={open()}
        onClose={() => setOpen(false)}
        onDone={() => {
          setOpen(false);
          void refetch();
        }}
      />
    </AdminOnly>
  );
}

function NewUser(props: { open: boolean; onClose: () => void; onDone: () => void }) {
  const [f, setF] = createSignal({
    email: '',
    name: '',
    password: '',
    role: 'viewer',
    teamIds: [] as string[],
  });
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
      await post('/users', v.data);
      toast(`User ${v.data.email} created`);
      setF({ email: '', name: '', password: '', role: 'viewer', teamIds: [] });
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
        <Show when={teams().length}>
          <Field label="Teams" error={errors().teamIds}>
            {(a) => (
              <select
                {...a}
                multiple
                size={Math.min(5, teams().length)}
                onChange={(e) =>
                  set(
                    'teamIds',
                    [...e.currentTarget.selectedOptions].map((o) => o.value),
                  )
                }
              >
                <For each={teams()}>{(t) => <option value={t.id}>{t.name}</option>}</For>
              </select>
            )}
          </Field>
        </Show>
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
