import { type SuppressionScope, type Team, teamInputSchema } from '@mailroom/core/schemas';
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectField, TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { toast } from '../../components/Toasts';
import { ApiError } from '../../lib/api';
import { apiErrors, type FieldErrors, validate } from '../../lib/form';
import { dateTime } from '../../lib/format';
import { createTeam, deleteTeam, updateTeam } from '../../lib/people';
import { loadTeams, teams } from '../../lib/session';
import { AdminOnly } from './AdminOnly';

/** Where a team's bounces and complaints list the address (`suppressionScope`), as the form offers it. */
const scopeOptions = [
  { value: 'system', label: 'System list (every team stops mailing the address)' },
  { value: 'team', label: "This team's own list (other teams still mail it)" },
] as const;
const scopeHelp =
  "Where hard bounces, complaints and repeated soft bounces on this team's mail put the address; it applies from the next report on.";
const scopeShort = (s: SuppressionScope) => (s === 'team' ? "Team's own list" : 'System list');

/** Teams scope accounts and defaults; team admins manage only their own. */
export default function Teams() {
  const [name, setName] = createSignal('');
  const [scope, setScope] = createSignal<SuppressionScope>('system');
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [editing, setEditing] = createSignal<Team | null>(null);
  const [deleting, setDeleting] = createSignal<Team | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    const v = validate(teamInputSchema, { name: name(), suppressionScope: scope() });
    if (!v.ok) return setErrors(v.errors);
    try {
      await createTeam(v.data.name, scope());
      setName('');
      setScope('system');
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
          <SelectField
            label="Automatic suppressions"
            name="team-suppression-scope"
            value={scope()}
            onValue={(v) => setScope(v as SuppressionScope)}
            options={scopeOptions}
            error={errors().suppressionScope}
          />
          <button type="submit" class="btn primary">
            Create team
          </button>
        </form>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Members
              </th>
              <th scope="col" class="num">
                Accounts
              </th>
              <th scope="col">Automatic suppressions</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For
              each={teams()}
              fallback={
                <tr>
                  <td colSpan={6} class="empty">
                    No teams yet.
                  </td>
                </tr>
              }
            >
              {(t) => (
                <tr>
                  <td>{t.name}</td>
                  <td class="num">{t.members}</td>
                  <td class="num">{t.accounts}</td>
                  <td>{scopeShort(t.suppressionScope)}</td>
                  <td>{dateTime(t.createdAt)}</td>
                  <td>
                    <div class="actions">
                      <button
                        type="button"
                        class="btn small"
                        aria-label={`Edit ${t.name}`}
                        onClick={() => setEditing(t)}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        class="btn small danger"
                        aria-label={`Delete ${t.name}`}
                        onClick={() => setDeleting(t)}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
      <EditTeam team={editing()} onClose={() => setEditing(null)} />
      <DeleteTeam team={deleting()} onClose={() => setDeleting(null)} />
    </AdminOnly>
  );
}

/** A team's name and where its automatic suppressions go (admins only, as the whole screen). */
function EditTeam(props: { team: Team | null; onClose: () => void }) {
  const [name, setName] = createSignal('');
  const [scope, setScope] = createSignal<SuppressionScope>('system');
  const [errors, setErrors] = createSignal<FieldErrors>({});
  createEffect(
    on(
      () => props.team,
      (t) => {
        setName(t?.name ?? '');
        setScope(t?.suppressionScope ?? 'system');
      },
    ),
  );
  const close = () => {
    setErrors({});
    props.onClose();
  };
  async function submit(e: Event) {
    e.preventDefault();
    const t = props.team;
    if (!t) return;
    const v = validate(teamInputSchema, { name: name(), suppressionScope: scope() });
    if (!v.ok) return setErrors(v.errors);
    const renamed = v.data.name !== t.name;
    const rescoped = scope() !== t.suppressionScope;
    if (!renamed && !rescoped) return close();
    try {
      await updateTeam(t.id, {
        ...(renamed ? { name: v.data.name } : {}),
        ...(rescoped ? { suppressionScope: scope() } : {}),
      });
      toast(
        [
          renamed ? `Team “${t.name}” renamed to “${v.data.name}”` : `Team “${t.name}” saved`,
          rescoped ? `automatic suppressions go to the ${scopeShort(scope()).toLowerCase()}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      );
      await loadTeams(true);
      close();
    } catch (err) {
      setErrors(apiErrors(err));
    }
  }
  return (
    <Modal open={!!props.team} onOpenChange={(o) => !o && close()} title={`Edit team “${props.team?.name}”`}>
      <form class="stack" novalidate onSubmit={submit}>
        <TextField
          label="Team name"
          value={name()}
          onValue={setName}
          error={errors().name ?? errors()['']}
          help="Accounts, members and defaults stay with the team."
        />
        <SelectField
          label="Automatic suppressions"
          value={scope()}
          onValue={(v) => setScope(v as SuppressionScope)}
          options={scopeOptions}
          error={errors().suppressionScope}
          help={scopeHelp}
        />
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button type="button" class="btn ghost" onClick={close}>
            Cancel
          </button>
          <button type="submit" class="btn primary">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * Deleting a team that still has accounts is refused by the API with the count; the admin can instead
 * move them to the system level with the deletion. What the team's members and defaults become is said.
 */
function DeleteTeam(props: { team: Team | null; onClose: () => void }) {
  const [move, setMove] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const close = () => {
    setMove(false);
    setError(undefined);
    props.onClose();
  };
  const refusal = () => {
    const e = error();
    return e instanceof ApiError && e.status === 409 ? e.problem.detail : undefined;
  };
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  async function remove() {
    const t = props.team;
    if (!t) return;
    setBusy(true);
    try {
      const r = await deleteTeam(t.id, move());
      const notes = [
        r.movedAccounts ? `${plural(r.movedAccounts, 'account')} moved to the system level` : '',
        r.teamAdminsWithoutTeam.length ? `${r.teamAdminsWithoutTeam.join(', ')} now in no team` : '',
      ].filter(Boolean);
      toast(`Team “${t.name}” deleted${notes.length ? `: ${notes.join('; ')}` : ''}`);
      await loadTeams(true);
      close();
    } catch (err) {
      setError(err);
      // The counts changed since the list was loaded (an account added meanwhile): show the new ones.
      if (err instanceof ApiError && err.status === 409) void loadTeams(true);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={!!props.team}
      onOpenChange={(o) => !o && close()}
      title={`Delete team “${props.team?.name}”?`}
      description="Its defaults are cleared, its members leave it, and API tokens lose it (a team-admin token with no other team is revoked)."
    >
      <Show when={props.team}>
        {(t) => (
          <div class="stack">
            <Show
              when={refusal()}
              fallback={<ErrorBanner error={error()} title="The team was not deleted" />}
            >
              {/* The API's refusal, said for this screen: its hint names the API parameter. */}
              <div class="banner error" role="alert">
                <div>
                  <strong>The team was not deleted</strong>
                  <p>{refusal()}</p>
                  <p class="muted">
                    Tick “Move its accounts to the system level” below, or move them to another team first.
                  </p>
                </div>
              </div>
            </Show>
            <Show when={t().members > 0}>
              <p style={{ margin: 0 }}>{plural(t().members, 'member')} will no longer belong to it.</p>
            </Show>
            <Show when={t().accounts > 0}>
              <Show when={!refusal()}>
                <div class="banner warn" role="status">
                  <div>
                    <strong>
                      “{t().name}” has {plural(t().accounts, 'mail account')}
                    </strong>
                    <p>
                      A team with accounts cannot be deleted. Move them to another team first, or move them to
                      the system level with the deletion.
                    </p>
                  </div>
                </div>
              </Show>
              <label class="check">
                <input type="checkbox" checked={move()} onChange={(e) => setMove(e.currentTarget.checked)} />
                Move its accounts to the system level ({plural(t().accounts, 'account')})
              </label>
            </Show>
            <div class="actions" style={{ 'justify-content': 'flex-end' }}>
              <button type="button" class="btn ghost" onClick={close}>
                Cancel
              </button>
              <button type="button" class="btn danger solid" disabled={busy()} onClick={remove}>
                Delete team
              </button>
            </div>
          </div>
        )}
      </Show>
    </Modal>
  );
}
