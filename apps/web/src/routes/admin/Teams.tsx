import { teamInputSchema } from '@mailroom/core/schemas';
import { createSignal, For } from 'solid-js';
import { TextField } from '../../components/Field';
import { toast } from '../../components/Toasts';
import { post } from '../../lib/api';
import { apiErrors, type FieldErrors, validate } from '../../lib/form';
import { dateTime } from '../../lib/format';
import { loadTeams, teams } from '../../lib/session';
import { AdminOnly } from './AdminOnly';

/** Teams scope accounts and defaults; team admins manage only their own. */
export default function Teams() {
  const [name, setName] = createSignal('');
  const [errors, setErrors] = createSignal<FieldErrors>({});
  async function submit(e: Event) {
    e.preventDefault();
    const v = validate(teamInputSchema, { name: name() });
    if (!v.ok) return setErrors(v.errors);
    try {
      await post('/teams', v.data);
      setName('');
      setErrors({});
      toast(`Team “${v.data.name}” created`);
      await loadTeams(true);
    } catch (err) {
      setErrors(apiErrors(err));
    }
  }
  return (
    <AdminOnly
      title="Teams"
      lead="Accounts and defaults can belong to a team; the header's team switcher scopes the screens."
    >
      <section class="card">
        <form class="toolbar" onSubmit={submit} novalidate>
          <div class="grow">
            <TextField
              label="New team"
              name="team-name"
              value={name()}
              onValue={setName}
              error={errors().name ?? errors()['']}
            />
          </div>
          <button type="submit" class="btn primary">
            Create team
          </button>
        </form>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">ID</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            <For
              each={teams()}
              fallback={
                <tr>
                  <td colSpan={3} class="empty">
                    No teams yet.
                  </td>
                </tr>
              }
            >
              {(t) => (
                <tr>
                  <td>{t.name}</td>
                  <td class="mono">{t.id}</td>
                  <td>{dateTime(t.createdAt)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
    </AdminOnly>
  );
}
