import {
  type SuppressionImportResult,
  type SuppressionView,
  suppressionInputSchema,
  suppressionReasons,
} from '@mailroom/core/schemas';
import { A, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { Badge } from '../components/Badges';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { TextField } from '../components/Field';
import { type ListColumn, ListPage } from '../components/ListPage';
import { Modal } from '../components/Modal';
import { ScopeField } from '../components/ScopeField';
import { toast } from '../components/Toasts';
import { apiErrors, type FieldErrors, validate } from '../lib/form';
import { dateTime, humanize, relTime } from '../lib/format';
import { latest } from '../lib/resource';
import { canManageScope, defaultScope, scopeLabel } from '../lib/scope';
import {
  canEdit,
  loadTeams,
  onTeamScopeChange,
  scopeTeamId,
  teamName,
  teamScopeLabelOf,
  teams,
} from '../lib/session';
import {
  addSuppression,
  exportUrl,
  importSuppressions,
  listSuppressions,
  removeSuppression,
} from '../lib/suppressions';

const reasonTone: Record<string, string> = {
  hard_bounce: 'bad',
  complaint: 'bad',
  soft_bounce_limit: 'warn',
  manual: '',
};

/** The Scope field's "All scopes", in the URL (`?scope=all`). */
const ALL_SCOPES = 'all';

/** Addresses Mailroom does not send to: search, add, remove, import and export as CSV. */
export default function Suppressions() {
  const [search, setSearch] = useSearchParams<{
    q?: string;
    reason?: string;
    scope?: string;
    cursor?: string;
  }>();
  // The header's team switcher scopes the list (and its CSV) unless the URL names a scope itself;
  // `all` is the Scope field's "All scopes" (every list the admin may read, whatever the header says).
  const chosenScope = () => search.scope ?? scopeTeamId() ?? ALL_SCOPES;
  const teamFilter = () => (chosenScope() === ALL_SCOPES ? undefined : chosenScope());
  const [data, { refetch }] = createResource(
    () => ({
      q: search.q,
      reason: search.reason,
      teamId: teamFilter(),
      cursor: search.cursor,
      pageSize: 50,
    }),
    listSuppressions,
  );
  // A new team in the header is what the list shows again: the Scope field follows it.
  onTeamScopeChange(
    () => (search.cursor || search.scope) && setSearch({ cursor: undefined, scope: undefined }),
  );
  onMount(() => void loadTeams());
  const [adding, setAdding] = createSignal(false);
  const [removing, setRemoving] = createSignal<SuppressionView | null>(null);
  const [importing, setImporting] = createSignal(false);
  const [imported, setImported] = createSignal<SuppressionImportResult | null>(null);
  const [importedInto, setImportedInto] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>();

  const columns: ListColumn<SuppressionView>[] = [
    { header: 'Address', cellClass: 'mono', cell: (s) => s.address },
    {
      header: 'Reason',
      cell: (s) => <Badge tone={reasonTone[s.reason]}>{humanize(s.reason)}</Badge>,
    },
    { header: 'Scope', cell: (s) => scopeLabel(s.teamId) },
    {
      header: 'Source',
      cellClass: 'wrap',
      // The bounce's diagnostic, or a person's note (added by hand or imported), after the source.
      cell: (s) => (
        <>
          <Show when={s.messageId} fallback={humanize(s.source)}>
            <A href={`/outbox/${s.messageId}`} onClick={(e) => e.stopPropagation()}>
              Message
            </A>
          </Show>
          <Show when={s.detail}>
            <span class="muted"> · {s.detail}</span>
          </Show>
        </>
      ),
    },
    {
      header: 'Added',
      title: (s) => dateTime(s.createdAt),
      cell: (s) => (
        <>
          {relTime(s.createdAt)}
          <span class="muted"> · {s.createdBy ?? '—'}</span>
        </>
      ),
    },
    {
      header: 'Actions',
      class: 'num',
      cell: (s) => (
        <Show when={canManageScope(s.teamId)}>
          <button
            type="button"
            class="btn small"
            aria-label={`Remove ${s.address}`}
            onClick={(e) => {
              e.stopPropagation();
              setRemoving(s);
            }}
          >
            Remove
          </button>
        </Show>
      ),
    },
  ];

  async function remove(s: SuppressionView) {
    try {
      await removeSuppression(s.id);
      toast(`${s.address} removed: it will be mailed again`);
      void refetch();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Suppressions</h1>
          <p>
            Addresses Mailroom does not send to. Hard bounces and complaints add them, soft bounces after
            several in a row; a send leaves them out and says so.
          </p>
        </div>
        <div class="actions">
          <a class="btn" href={exportUrl(teamFilter())} download="">
            Export CSV
          </a>
          <Show when={canEdit()}>
            <button type="button" class="btn" onClick={() => setImporting(true)}>
              Import CSV
            </button>
            <button type="button" class="btn primary" onClick={() => setAdding(true)}>
              Add address
            </button>
          </Show>
        </div>
      </div>
      <ErrorBanner error={error()} title="Could not change the list" />
      <ListPage
        label="Suppressed addresses"
        toolbar={
          <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
            <div class="field grow">
              <label for="sup-q">Search address</label>
              <input
                id="sup-q"
                type="search"
                value={search.q ?? ''}
                onChange={(e) => setSearch({ q: e.currentTarget.value || undefined, cursor: undefined })}
              />
            </div>
            <div class="field">
              <label for="sup-reason">Reason</label>
              <select
                id="sup-reason"
                value={search.reason ?? ''}
                onChange={(e) => setSearch({ reason: e.currentTarget.value || undefined, cursor: undefined })}
              >
                <option value="">All reasons</option>
                <For each={suppressionReasons}>{(r) => <option value={r}>{humanize(r)}</option>}</For>
              </select>
            </div>
            <div class="field">
              <label for="sup-scope">Scope</label>
              <select
                id="sup-scope"
                value={chosenScope()}
                onChange={(e) => setSearch({ scope: e.currentTarget.value, cursor: undefined })}
              >
                <option value={ALL_SCOPES}>All scopes</option>
                <option value="system">System</option>
                <For each={teams()}>{(t) => <option value={t.id}>Team {t.name}</option>}</For>
              </select>
            </div>
          </form>
        }
        columns={columns}
        list={latest(data)}
        loading={data.loading}
        error={data.error}
        errorTitle="Could not load the suppression list"
        empty={
          <>
            No suppressed address{search.q || search.reason || teamFilter() ? ' matches' : ' yet'}. Hard
            bounces and complaints fetched by a bounce mailbox add addresses here.
          </>
        }
        pagerLabel="Suppression list pages"
        scope={teamScopeLabelOf(teamFilter())}
        onCursor={(cursor) => setSearch({ cursor })}
      />
      <AddDialog open={adding()} onClose={() => setAdding(false)} onAdded={() => void refetch()} />
      <ImportDialog
        open={importing()}
        onClose={() => setImporting(false)}
        onImported={(r, teamId) => {
          setImportedInto(teamId);
          setImported(r);
          void refetch();
        }}
      />
      <ConfirmDialog
        subject={removing()}
        title={(s) => `Remove ${s.address}?`}
        description="The next send to this address goes out again."
        confirmLabel="Remove"
        onConfirm={(s) => void remove(s)}
        onClose={() => setRemoving(null)}
      />
      <Modal
        open={imported() !== null}
        onOpenChange={(o) => !o && setImported(null)}
        title="Import finished"
        wide
        footer={
          <button type="button" class="btn primary" onClick={() => setImported(null)}>
            Done
          </button>
        }
      >
        <Show when={imported()}>
          {(r) => (
            <>
              <p>
                <strong>{r().added}</strong> added, <strong>{r().skipped.length}</strong> skipped,{' '}
                <strong>{r().invalid.length}</strong> invalid, into the list of{' '}
                {importedInto() ? `team ${teamName(importedInto()!)}` : 'the system (every send)'}.
              </p>
              <Show when={r().ignoredColumns.length > 0}>
                <p>Columns not imported:</p>
                <ul class="ignored-columns">
                  <For each={r().ignoredColumns}>
                    {(c) => (
                      <li>
                        <span class="mono">{c.column}</span>: {c.why}
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
              <Show when={r().invalid.length + r().skipped.length > 0}>
                <table class="data">
                  <thead>
                    <tr>
                      <th scope="col" class="num">
                        Line
                      </th>
                      <th scope="col">What</th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={r().invalid.slice(0, 200)}>
                      {(i) => (
                        <tr>
                          <td class="num">{i.line}</td>
                          <td class="mono wrap">{i.text}</td>
                          <td class="wrap">
                            <Badge tone="bad">Invalid</Badge> {i.message}
                          </td>
                        </tr>
                      )}
                    </For>
                    <For each={r().skipped.slice(0, 200)}>
                      {(s) => (
                        <tr>
                          <td class="num">{s.line}</td>
                          <td class="mono">{s.address}</td>
                          <td class="wrap">
                            <Badge>Skipped</Badge> {s.why}
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </Show>
            </>
          )}
        </Show>
      </Modal>
    </>
  );
}

/** Import a CSV into one list: the system's (admins) or a team's (its team admins). */
function ImportDialog(props: {
  open: boolean;
  onClose: () => void;
  onImported: (r: SuppressionImportResult, teamId: string | null) => void;
}) {
  const [teamId, setTeamId] = createSignal(defaultScope());
  const [error, setError] = createSignal<unknown>();
  async function importFile(file: File) {
    setError(undefined);
    try {
      const r = await importSuppressions(await file.text(), teamId() || undefined);
      props.onClose();
      props.onImported(r, teamId() || null);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Modal
      open={props.open}
      onOpenChange={(o) => !o && props.onClose()}
      title="Import a CSV"
      description="One address per line, or the file Export CSV writes. Addresses already on the list are skipped."
    >
      <div class="stack">
        <ErrorBanner error={error()} title="The file was not imported" />
        <ScopeField value={teamId()} onValue={setTeamId} systemLabel="System (every send)" />
        <div class="field">
          <label for="sup-import-file">CSV file to import</label>
          <input
            id="sup-import-file"
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (f) void importFile(f);
            }}
          />
        </div>
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </div>
    </Modal>
  );
}

/** Add one address, system-wide (admins) or for a team (its team admins). */
function AddDialog(props: { open: boolean; onClose: () => void; onAdded: () => void }) {
  const [address, setAddress] = createSignal('');
  const [teamId, setTeamId] = createSignal(defaultScope());
  const [detail, setDetail] = createSignal('');
  const [errors, setErrors] = createSignal<FieldErrors>({});
  async function submit(e: Event) {
    e.preventDefault();
    const v = validate(suppressionInputSchema, {
      address: address(),
      teamId: teamId() || null,
      reason: 'manual',
      ...(detail() ? { detail: detail() } : {}),
    });
    if (!v.ok) return setErrors(v.errors);
    try {
      const s = await addSuppression(v.data);
      toast(`${s.address} will not be mailed`);
      setAddress('');
      setDetail('');
      setErrors({});
      props.onAdded();
      props.onClose();
    } catch (err) {
      setErrors(apiErrors(err));
    }
  }
  return (
    <Modal
      open={props.open}
      onOpenChange={(o) => !o && props.onClose()}
      title="Add an address"
      description="Sends leave it out until it is removed."
    >
      <form class="stack" onSubmit={submit} novalidate aria-label="Add an address">
        <TextField
          label="Address"
          name="address"
          type="email"
          value={address()}
          onValue={setAddress}
          error={errors().address ?? errors()['']}
        />
        <ScopeField
          value={teamId()}
          onValue={setTeamId}
          systemLabel="System (every send)"
          error={errors().teamId}
        />
        <TextField
          label="Note (optional)"
          name="detail"
          value={detail()}
          onValue={setDetail}
          error={errors().detail}
        />
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn primary">
            Add
          </button>
        </div>
      </form>
    </Modal>
  );
}
