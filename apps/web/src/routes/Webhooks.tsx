import {
  type Webhook,
  type WebhookDelivery,
  type WebhookEventType,
  webhookEventTypes,
  webhookInputSchema,
} from '@mailroom/core/schemas';
import { createResource, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { Badge } from '../components/Badges';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { SelectField, TextField } from '../components/Field';
import { type ListColumn, ListPage } from '../components/ListPage';
import { Modal } from '../components/Modal';
import { ScopeField } from '../components/ScopeField';
import { toast } from '../components/Toasts';
import { apiErrors, type FieldErrors, validate } from '../lib/form';
import { dateTime, dateTimeSec, relTime } from '../lib/format';
import { latest } from '../lib/resource';
import { canManageScope, defaultScope, scopeLabel } from '../lib/scope';
import { canEdit, loadTeams, scopeTeamId, teamScopeLabel } from '../lib/session';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  replay,
  rotateSecret,
  sendTest,
  updateWebhook,
} from '../lib/webhooks';

/** A button inside a clickable row: its own action only, not the row's. */
const stop = (f: () => void) => (e: MouseEvent) => {
  e.stopPropagation();
  f();
};

const deliveryTone: Record<string, string> = {
  delivered: 'ok',
  failed: 'bad',
  pending: 'warn',
  delivering: '',
};

/** Endpoints that receive signed events: add, edit, enable or disable, rotate the secret, test, see every attempt. */
export default function Webhooks() {
  const [data, { refetch }] = createResource(() => ({ teamId: scopeTeamId() }), listWebhooks);
  onMount(() => void loadTeams());
  const [editing, setEditing] = createSignal<Webhook | 'new' | null>(null);
  const [secret, setSecret] = createSignal<{ title: string; secret: string } | null>(null);
  const [rotating, setRotating] = createSignal<Webhook | null>(null);
  const [deleting, setDeleting] = createSignal<Webhook | null>(null);
  const [viewing, setViewing] = createSignal<Webhook | null>(null);
  const [error, setError] = createSignal<unknown>();
  const canManage = (w: Webhook) => canManageScope(w.teamId);

  async function run(what: () => Promise<unknown>, done: string) {
    setError(undefined);
    try {
      await what();
      toast(done);
      void refetch();
    } catch (e) {
      setError(e);
    }
  }

  const status = (w: Webhook) =>
    !w.enabled ? (
      <Badge tone="bad" title={w.disabledReason ?? undefined}>
        {w.disabledReason ? 'Disabled by Mailroom' : 'Disabled'}
      </Badge>
    ) : w.failingSince ? (
      <Badge tone="warn" title={`Failing since ${dateTime(w.failingSince)}`}>
        Failing
      </Badge>
    ) : (
      <Badge tone="ok">Enabled</Badge>
    );

  const columns: ListColumn<Webhook>[] = [
    {
      header: 'Endpoint',
      cellClass: 'wrap',
      cell: (w) => (
        <>
          <a
            class="rowlink mono"
            href={`#deliveries-${w.id}`}
            onClick={(e) => {
              e.preventDefault();
              e.stopPropagation();
              setViewing(w);
            }}
          >
            {w.url}
          </a>
          <Show when={w.description}>
            <div class="sub">{w.description}</div>
          </Show>
        </>
      ),
    },
    {
      header: 'Events',
      cellClass: 'wrap',
      cell: (w) =>
        w.eventTypes === 'all' ? (
          <Badge plain>All events</Badge>
        ) : (
          <span title={w.eventTypes.join(', ')}>{w.eventTypes.join(', ')}</span>
        ),
    },
    { header: 'Scope', cell: (w) => scopeLabel(w.teamId) },
    { header: 'Status', cell: status },
    {
      header: 'Last success',
      title: (w) => w.lastSuccessAt ?? undefined,
      cell: (w) => (w.lastSuccessAt ? relTime(w.lastSuccessAt) : <span class="muted">Never</span>),
    },
    {
      header: 'Actions',
      class: 'num',
      cell: (w) => (
        <div class="row" style={{ gap: '4px', 'justify-content': 'flex-end', 'flex-wrap': 'wrap' }}>
          <button type="button" class="btn small" onClick={stop(() => setViewing(w))}>
            Deliveries
          </button>
          <Show when={canManage(w)}>
            <button
              type="button"
              class="btn small"
              disabled={!w.enabled}
              onClick={(e) => {
                e.stopPropagation();
                void run(() => sendTest(w.id), 'Test event queued');
              }}
            >
              Send test
            </button>
            <button type="button" class="btn small" onClick={stop(() => setEditing(w))}>
              Edit
            </button>
            <button
              type="button"
              class="btn small"
              onClick={(e) => {
                e.stopPropagation();
                void run(
                  () => updateWebhook(w.id, { enabled: !w.enabled }),
                  w.enabled ? 'Endpoint disabled' : 'Endpoint enabled',
                );
              }}
            >
              {w.enabled ? 'Disable' : 'Enable'}
            </button>
            <button type="button" class="btn small" onClick={stop(() => setRotating(w))}>
              Rotate secret
            </button>
            <button
              type="button"
              class="btn small danger"
              aria-label={`Delete ${w.url}`}
              onClick={stop(() => setDeleting(w))}
            >
              Delete
            </button>
          </Show>
        </div>
      ),
    },
  ];

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>Webhooks</h1>
          <p>
            Mailroom posts signed events (Standard Webhooks) to these URLs: messages queued, sent, deferred,
            failed, bounced, complained of and suppressed; mail received; account health and verification.
            Retried for three days.
          </p>
        </div>
        <div class="actions">
          <Show when={canEdit()}>
            <button type="button" class="btn primary" onClick={() => setEditing('new')}>
              Add endpoint
            </button>
          </Show>
        </div>
      </div>
      <ErrorBanner error={error()} title="Could not change the endpoint" />
      <ListPage
        label="Webhook endpoints"
        columns={columns}
        list={latest(data)}
        loading={data.loading}
        error={data.error}
        errorTitle="Could not load the webhook endpoints"
        empty={
          teamScopeLabel() ? (
            <>
              No endpoint in this scope ({teamScopeLabel()}). Choose “All teams” in the header to see every
              one.
            </>
          ) : (
            <>No endpoint yet. Add one to receive events as they happen.</>
          )
        }
        onRowClick={(w) => setViewing(w)}
        pagerLabel="Webhook endpoint pages"
        scope={teamScopeLabel()}
        onCursor={() => {}}
      />
      <EndpointDialog
        editing={editing()}
        onClose={() => setEditing(null)}
        onSaved={(s) => {
          void refetch();
          if (s) setSecret(s);
        }}
      />
      <Modal
        open={secret() !== null}
        onOpenChange={(o) => !o && setSecret(null)}
        title={secret()?.title ?? ''}
        description="Copy the signing secret now: Mailroom stores it encrypted and will not show it again."
        footer={
          <>
            <button
              type="button"
              class="btn"
              onClick={() =>
                navigator.clipboard?.writeText(secret()?.secret ?? '').then(() => toast('Copied'))
              }
            >
              Copy
            </button>
            <button type="button" class="btn primary" onClick={() => setSecret(null)}>
              Done
            </button>
          </>
        }
      >
        <pre class="json" data-testid="webhook-secret">
          {secret()?.secret}
        </pre>
      </Modal>
      <RotateDialog
        endpoint={rotating()}
        onClose={() => setRotating(null)}
        onRotated={(s) => {
          setRotating(null);
          setSecret(s);
          void refetch();
        }}
      />
      <ConfirmDialog
        subject={deleting()}
        title={(w) => `Delete ${w.url}?`}
        description="Its deliveries and their attempts are deleted with it; nothing more is posted to it."
        confirmLabel="Delete"
        onConfirm={(w) => void run(() => deleteWebhook(w.id), 'Endpoint deleted')}
        onClose={() => setDeleting(null)}
      />
      <DeliveriesDrawer
        endpoint={viewing()}
        canManage={!!viewing() && canManage(viewing() as Webhook)}
        onClose={() => setViewing(null)}
      />
    </>
  );
}

/** Create (with scope) or edit an endpoint: URL, description, which events. */
function EndpointDialog(props: {
  editing: Webhook | 'new' | null;
  onClose: () => void;
  onSaved: (secret: { title: string; secret: string } | null) => void;
}) {
  const [url, setUrl] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [all, setAll] = createSignal(true);
  const [types, setTypes] = createSignal<WebhookEventType[]>([]);
  const [teamId, setTeamId] = createSignal('');
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const existing = () => (props.editing && props.editing !== 'new' ? props.editing : null);
  // Fill the form each time it opens.
  const fill = () => {
    const w = existing();
    setUrl(w?.url ?? '');
    setDescription(w?.description ?? '');
    setAll(!w || w.eventTypes === 'all');
    setTypes(w && w.eventTypes !== 'all' ? (w.eventTypes as WebhookEventType[]) : []);
    setTeamId(w?.teamId ?? defaultScope());
    setErrors({});
  };
  let lastOpen: unknown = null;
  const openNow = () => {
    if (props.editing !== lastOpen) {
      lastOpen = props.editing;
      if (props.editing) fill();
    }
    return props.editing !== null;
  };
  const toggle = (t: WebhookEventType, on: boolean) =>
    setTypes((cur) => (on ? [...new Set([...cur, t])] : cur.filter((x) => x !== t)));

  async function submit(e: Event) {
    e.preventDefault();
    const eventTypes = all() ? 'all' : types();
    const w = existing();
    try {
      if (w) {
        await updateWebhook(w.id, { url: url(), description: description(), eventTypes });
        toast('Endpoint saved');
        props.onSaved(null);
      } else {
        const v = validate(webhookInputSchema, {
          url: url(),
          description: description(),
          eventTypes,
          teamId: teamId() || null,
        });
        if (!v.ok) return setErrors(v.errors);
        const created = await createWebhook(v.data);
        props.onSaved({ title: 'Endpoint created', secret: created.secret });
      }
      props.onClose();
    } catch (err) {
      setErrors(apiErrors(err));
    }
  }
  return (
    <Modal
      open={openNow()}
      onOpenChange={(o) => !o && props.onClose()}
      title={existing() ? 'Edit endpoint' : 'Add an endpoint'}
      description="Events are posted as JSON { type, timestamp, data }, signed with the endpoint's secret."
      wide
    >
      <form class="stack" onSubmit={submit} novalidate aria-label="Webhook endpoint">
        <TextField
          label="URL"
          name="url"
          type="url"
          placeholder="https://crm.example.com/hooks/mailroom"
          value={url()}
          onValue={setUrl}
          error={errors().url ?? errors()['']}
        />
        <TextField
          label="Description (optional)"
          name="description"
          value={description()}
          onValue={setDescription}
          error={errors().description}
        />
        <Show when={!existing()}>
          <ScopeField
            value={teamId()}
            onValue={setTeamId}
            systemLabel="System (every team’s events)"
            error={errors().teamId}
          />
        </Show>
        <fieldset class="field">
          <legend>Events</legend>
          <label class="row">
            <input type="checkbox" checked={all()} onChange={(e) => setAll(e.currentTarget.checked)} /> All
            events (and any added later)
          </label>
          <Show when={!all()}>
            <div class="row" style={{ 'flex-wrap': 'wrap', gap: '4px 16px' }}>
              <For each={webhookEventTypes}>
                {(t) => (
                  <label class="row mono">
                    <input
                      type="checkbox"
                      checked={types().includes(t)}
                      onChange={(e) => toggle(t, e.currentTarget.checked)}
                    />{' '}
                    {t}
                  </label>
                )}
              </For>
            </div>
          </Show>
          <Show when={errors().eventTypes}>
            <p class="error" role="alert">
              {errors().eventTypes}
            </p>
          </Show>
        </fieldset>
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn primary">
            {existing() ? 'Save' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** A new secret; the old one keeps signing beside it for the overlap, so receivers switch without a gap. */
function RotateDialog(props: {
  endpoint: Webhook | null;
  onClose: () => void;
  onRotated: (s: { title: string; secret: string }) => void;
}) {
  const [hours, setHours] = createSignal('24');
  const [error, setError] = createSignal<unknown>();
  async function rotate() {
    const w = props.endpoint;
    if (!w) return;
    try {
      const r = await rotateSecret(w.id, Math.round(Number(hours()) * 3600));
      props.onRotated({ title: 'Secret rotated', secret: r.secret });
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Modal
      open={props.endpoint !== null}
      onOpenChange={(o) => !o && props.onClose()}
      title="Rotate the signing secret?"
      description="Until the overlap ends, each delivery carries two signatures: the new secret's and the old one's."
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" class="btn primary" onClick={() => void rotate()}>
            Rotate
          </button>
        </>
      }
    >
      <ErrorBanner error={error()} title="Could not rotate the secret" />
      <SelectField
        label="The old secret still signs for"
        value={hours()}
        onValue={setHours}
        options={[
          { value: '0', label: 'No overlap: stop at once' },
          { value: '1', label: '1 hour' },
          { value: '24', label: '24 hours' },
          { value: '168', label: '7 days' },
        ]}
      />
    </Modal>
  );
}

/** An endpoint's deliveries, newest first, each attempt with status, latency and the receiver's answer. */
function DeliveriesDrawer(props: { endpoint: Webhook | null; canManage: boolean; onClose: () => void }) {
  const [list, { refetch }] = createResource(
    () => props.endpoint?.id,
    (id) => listDeliveries(id),
  );
  // While open, follow the dispatcher: pending deliveries become delivered or get more attempts.
  const timer = setInterval(() => {
    if (props.endpoint && !list.loading) void refetch();
  }, 3000);
  onCleanup(() => clearInterval(timer));
  const [error, setError] = createSignal<unknown>();
  async function act(what: () => Promise<unknown>, done: string) {
    setError(undefined);
    try {
      await what();
      toast(done);
      void refetch();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Modal
      open={props.endpoint !== null}
      onOpenChange={(o) => !o && props.onClose()}
      title={`Deliveries to ${props.endpoint?.url ?? ''}`}
      description="Every attempt is kept: when, the HTTP status, how long it took, and the start of the answer."
      drawer
    >
      <div class="actions" style={{ 'margin-bottom': '8px' }}>
        <Show when={props.canManage && props.endpoint?.enabled}>
          <button
            type="button"
            class="btn"
            onClick={() => void act(() => sendTest(props.endpoint?.id ?? ''), 'Test event queued')}
          >
            Send test event
          </button>
        </Show>
        <button type="button" class="btn" onClick={() => void refetch()}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={error() ?? list.error} title="Could not load the deliveries" />
      <For
        each={latest(list)?.items ?? []}
        fallback={<p class="muted">No delivery yet. Send a test event to see one.</p>}
      >
        {(d: WebhookDelivery) => (
          <section
            class="card"
            style={{ padding: '10px 12px', 'margin-bottom': '8px' }}
            aria-label={`Delivery ${d.id}`}
          >
            <div
              style={{
                display: 'flex',
                'justify-content': 'space-between',
                'align-items': 'flex-start',
                gap: '8px',
              }}
            >
              <div style={{ 'min-width': '0', 'overflow-wrap': 'anywhere' }}>
                <span class="mono">{d.eventType}</span>{' '}
                <Badge tone={deliveryTone[d.status]}>{d.status}</Badge>
                <div class="sub">
                  {dateTimeSec(d.createdAt)} · id <span class="mono">{d.eventId}</span>
                  <Show when={d.nextAttemptAt && d.status === 'pending'}>
                    {' '}
                    · next try {relTime(d.nextAttemptAt)}
                  </Show>
                </div>
              </div>
              <Show when={props.canManage && d.status !== 'delivering'}>
                <button
                  type="button"
                  class="btn small"
                  onClick={() => void act(() => replay(d.id), 'Queued again')}
                >
                  Replay
                </button>
              </Show>
            </div>
            {/* Its own scroll: the attempts' columns are wider than the drawer, not the card's border. */}
            <div class="table-wrap">
              <table class="data" style={{ 'margin-top': '6px' }}>
                <thead>
                  <tr>
                    <th scope="col">Attempt</th>
                    <th scope="col" class="num">
                      Status
                    </th>
                    <th scope="col" class="num">
                      Latency
                    </th>
                    <th scope="col">Answer</th>
                  </tr>
                </thead>
                <tbody>
                  <For
                    each={d.attempts}
                    fallback={
                      <tr>
                        <td colSpan={4} class="empty">
                          Not attempted yet
                        </td>
                      </tr>
                    }
                  >
                    {(a) => (
                      <tr>
                        <td>{dateTimeSec(a.at)}</td>
                        <td class="num">
                          <Badge tone={a.ok ? 'ok' : 'bad'}>{a.statusCode ?? a.errorCode ?? '—'}</Badge>
                        </td>
                        <td class="num">{a.durationMs} ms</td>
                        <td class="wrap">
                          <Show when={a.message}>
                            <div>{a.message}</div>
                          </Show>
                          <Show when={a.snippet}>
                            <code class="sub">{a.snippet}</code>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </section>
        )}
      </For>
    </Modal>
  );
}
