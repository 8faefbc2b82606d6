import { profileUpdateSchema, type RoutingExplain } from '@mailroom/core/schemas';
import { createResource, createSignal, Show } from 'solid-js';
import { explainRoute } from '../lib/defaults';
import { apiErrors, type FieldErrors, focusFirstError, validate } from '../lib/form';
import { me, updateMyProfile } from '../lib/session';
import { Badge } from './Badges';
import { ErrorBanner } from './ErrorBanner';
import { TextField } from './Field';
import { Modal } from './Modal';
import { toast } from './Toasts';

/**
 * "My sending identity": the display name and sending address that mail you send without a From carries,
 * from the outbox or through an API token of yours. Below, what a send of yours without a From would do
 * now, as the routing explanation (the send's own plan) says it.
 */
export default function ProfileDialog(props: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Modal open={props.open} onOpenChange={props.onOpenChange} title="My sending identity">
      {/* Mounted only while open, so the fields start from what is stored each time. */}
      <Show when={props.open}>
        <ProfileForm onClose={() => props.onOpenChange(false)} />
      </Show>
    </Modal>
  );
}

function ProfileForm(props: { onClose: () => void }) {
  const user = () => me()?.user;
  const [displayName, setDisplayName] = createSignal(user()?.displayName ?? '');
  const [sendingAddress, setSendingAddress] = createSignal(user()?.sendingAddress ?? '');
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [busy, setBusy] = createSignal(false);
  const [version, setVersion] = createSignal(0);
  // Without `from`, the explanation is about the caller's own sending identity, as their send would be.
  const [plan] = createResource(version, () => explainRoute(''));
  let form: HTMLFormElement | undefined;

  async function save(e: Event) {
    e.preventDefault();
    const body = { displayName: displayName(), sendingAddress: sendingAddress() };
    const v = validate(profileUpdateSchema, body);
    if (!v.ok) {
      setErrors(v.errors);
      return focusFirstError(form);
    }
    setBusy(true);
    try {
      await updateMyProfile(body);
      setErrors({});
      setVersion((n) => n + 1);
      toast('Sending identity saved');
    } catch (err) {
      setErrors(apiErrors(err));
      focusFirstError(form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={form} class="stack" novalidate onSubmit={save} aria-label="My sending identity">
      <p class="muted" style={{ margin: 0 }}>
        Mail you send without a From (from the outbox, or through an API token of yours) carries these. The
        sending account's Send-as list still decides: an address it may not send as is refused, or sent from
        the account's own address with yours as Reply-To.
      </p>
      <Show when={errors()['']}>
        <div class="banner error" role="alert">
          {errors()['']}
        </div>
      </Show>
      <TextField
        label="Display name"
        value={displayName()}
        onValue={setDisplayName}
        placeholder={user()?.name}
        error={errors().displayName}
        help="The name on your mail. Empty: your name, with your sending address; none without one."
      />
      <TextField
        label="Sending address"
        type="email"
        value={sendingAddress()}
        onValue={setSendingAddress}
        placeholder="you@example.com"
        error={errors().sendingAddress}
        help="Empty: the sending account's own address."
      />
      <ErrorBanner error={plan.error} title="Cannot explain the route" />
      <Show when={!plan.error && plan()}>{(p) => <PlanLine plan={p()} />}</Show>
      <div class="actions" style={{ 'justify-content': 'flex-end' }}>
        <button type="button" class="btn ghost" onClick={props.onClose}>
          Done
        </button>
        <button type="submit" class="btn primary" disabled={busy()}>
          {busy() ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

/** "Your mail without a From goes through … as …", or why it would be refused. */
function PlanLine(props: { plan: RoutingExplain }) {
  const p = () => props.plan;
  const from = () => p().sendAs?.from;
  return (
    <div class="banner info" role="status" data-testid="profile-plan">
      <div>
        <strong>
          <Show when={p().accountName} fallback="No account would send your mail: set a default account.">
            Your mail without a From goes through {p().accountName}
            <Show when={from()}>
              {(f) => <> as {f().name ? `${f().name} <${f().address}>` : f().address}</>}
            </Show>{' '}
            <Show when={p().sendAs}>
              {(sa) => (
                <Badge
                  tone={sa().outcome === 'allowed' ? 'ok' : sa().outcome === 'rewritten' ? 'warn' : 'bad'}
                >
                  {sa().outcome === 'allowed'
                    ? 'Allowed'
                    : sa().outcome === 'rewritten'
                      ? 'Rewritten'
                      : 'Refused'}
                </Badge>
              )}
            </Show>
          </Show>
        </strong>
        <p class="muted">{p().sendAs?.detail ?? p().explanation}</p>
        <Show when={p().refusal?.hint}>
          <p>{p().refusal?.hint}</p>
        </Show>
      </div>
    </div>
  );
}
