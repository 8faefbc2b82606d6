import { type ApiToken, roles, tokenInputSchema } from '@mailroom/core/schemas';
import { createResource, createSignal, For, Show } from 'solid-js';
import { Badge } from '../../components/Badges';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SelectField, TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { TeamPicker, teamIdsError } from '../../components/TeamPicker';
import { toast } from '../../components/Toasts';
import { del, get, post } from '../../lib/api';
import { apiErrors, type FieldErrors, validate } from '../../lib/form';
import { humanize, relTime } from '../../lib/format';
import { latest } from '../../lib/resource';
import { teamName, teams } from '../../lib/session';
import { AdminOnly } from './AdminOnly';

/** Bearer tokens for integrators; the secret is shown exactly once, right after creation. */
export default function Tokens() {
  const [tokens, { refetch }] = createResource(() => get<{ items: ApiToken[] }>('/tokens'));
  const [name, setName] = createSignal('');
  const [role, setRole] = createSignal('viewer');
  // Only a team-admin token has teams; the picker shows for that role and its choice is sent only then.
  const [teamIds, setTeamIds] = createSignal<string[]>([]);
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [created, setCreated] = createSignal<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = createSignal<ApiToken | null>(null);
  const [error, setError] = createSignal<unknown>();

  async function submit(e: Event) {
    e.preventDefault();
    const v = validate(tokenInputSchema, {
      name: name(),
      role: role(),
      teamIds: role() === 'team_admin' ? teamIds() : [],
    });
    if (!v.ok) return setErrors(v.errors);
    try {
      const t = await post<{ id: string; name: string; token: string }>('/tokens', v.data);
      setCreated({ name: t.name, token: t.token });
      setName('');
      setTeamIds([]);
      setErrors({});
      void refetch();
    } catch (err) {
      setErrors(apiErrors(err));
    }
  }
  async function revoke() {
    const t = revoking();
    if (!t) return;
    try {
      await del(`/tokens/${encodeURIComponent(t.id)}`);
      toast(`Token “${t.name}” revoked`);
      setRevoking(null);
      void refetch();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <AdminOnly
      title="API tokens"
      lead="Scripts and integrations authenticate with “Authorization: Bearer <token>”."
    >
      <section class="card">
        <form class="toolbar" onSubmit={submit} novalidate>
          <div class="grow">
            <TextField
              label="Token name"
              name="token-name"
              placeholder="CRM integration"
              value={name()}
              onValue={setName}
              error={errors().name ?? errors()['']}
            />
          </div>
          <SelectField
            label="Role"
            value={role()}
            onValue={setRole}
            options={roles.map((r) => ({ value: r, label: humanize(r) }))}
            error={errors().role}
          />
          <button type="submit" class="btn primary">
            Create token
          </button>
          <Show when={role() === 'team_admin'}>
            {/* A row of its own inside the toolbar: Enter in the name field still creates the token. */}
            <div style={{ 'flex-basis': '100%' }}>
              <TeamPicker
                legend="Teams of this token"
                teams={teams()}
                value={teamIds()}
                onValue={setTeamIds}
                error={teamIdsError(errors())}
                help="A team-admin token changes only these teams' accounts and defaults, and reads system-level ones."
              />
            </div>
          </Show>
        </form>
        <ErrorBanner error={error() ?? tokens.error} />
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Token</th>
              <th scope="col">Role</th>
              <th scope="col">Teams</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For
              each={latest(tokens)?.items ?? []}
              fallback={
                <tr>
                  <td colSpan={7} class="empty">
                    No tokens yet.
                  </td>
                </tr>
              }
            >
              {(t) => (
                <tr>
                  <td>{t.name}</td>
                  <td class="mono">{t.prefix}…</td>
                  <td>
                    <Badge plain>{humanize(t.role)}</Badge>
                  </td>
                  <td>{t.teamIds.map(teamName).join(', ') || <span class="muted">—</span>}</td>
                  <td>
                    {relTime(t.createdAt)} <span class="sub">by {t.createdBy ?? 'system'}</span>
                  </td>
                  <td>{t.lastUsedAt ? relTime(t.lastUsedAt) : <span class="muted">Never</span>}</td>
                  <td>
                    <button type="button" class="btn small danger" onClick={() => setRevoking(t)}>
                      Revoke
                    </button>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
      <Modal
        open={!!created()}
        onOpenChange={(o) => !o && setCreated(null)}
        title={`Token “${created()?.name}” created`}
        description="Copy it now: Mailroom stores only a hash and cannot show it again."
      >
        <pre class="json" data-testid="new-token">
          {created()?.token}
        </pre>
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button
            type="button"
            class="btn"
            onClick={() => navigator.clipboard?.writeText(created()?.token ?? '').then(() => toast('Copied'))}
          >
            Copy
          </button>
          <button type="button" class="btn primary" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      </Modal>
      <Modal
        open={!!revoking()}
        onOpenChange={(o) => !o && setRevoking(null)}
        title={`Revoke “${revoking()?.name}”?`}
        description="Requests with this token will be refused from now on."
      >
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button type="button" class="btn ghost" onClick={() => setRevoking(null)}>
            Cancel
          </button>
          <button type="button" class="btn danger solid" onClick={revoke}>
            Revoke
          </button>
        </div>
      </Modal>
    </AdminOnly>
  );
}
