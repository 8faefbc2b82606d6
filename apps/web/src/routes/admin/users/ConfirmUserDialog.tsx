import type { User } from '@mailroom/core/schemas';
import { createSignal, Show } from 'solid-js';
import { ErrorBanner } from '../../../components/ErrorBanner';
import { TextField } from '../../../components/Field';
import { Modal } from '../../../components/Modal';

export type UserAction = 'disable' | 'delete';

const texts: Record<
  UserAction,
  { title: (u: User) => string; body: (u: User) => string; button: (u: User) => string }
> = {
  disable: {
    title: (u) => `Disable ${u.name}?`,
    body: (u) =>
      `${u.email} can no longer sign in; their open sessions and the API tokens they created stop working at once. Enabling them again brings the tokens back.`,
    button: () => 'Disable',
  },
  delete: {
    title: (u) => `Delete ${u.name} (${u.email})?`,
    body: () =>
      'This cannot be undone. Their sessions end and the API tokens they created are revoked. Timelines and logs keep naming them by email. To only lock them out, disable them instead.',
    button: (u) => `Delete ${u.name}`,
  },
};

/** Confirms disabling or deleting a user, naming them; the API's refusal (the last admin) is shown as said. */
export function ConfirmUserDialog(props: {
  user: User | null;
  action: UserAction;
  run: (user: User, reason: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const [reason, setReason] = createSignal('');
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const t = () => texts[props.action];
  function close() {
    setReason('');
    setError(undefined);
    props.onClose();
  }
  async function confirm() {
    const u = props.user;
    if (!u) return;
    setBusy(true);
    try {
      await props.run(u, reason().trim());
      close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open={!!props.user}
      onOpenChange={(o) => !o && close()}
      title={props.user ? t().title(props.user) : ''}
      description={props.user ? t().body(props.user) : ''}
    >
      <div class="stack">
        <ErrorBanner error={error()} title={props.action === 'delete' ? 'Not deleted' : 'Not disabled'} />
        <Show when={props.action === 'disable'}>
          <TextField
            label="Reason (optional)"
            value={reason()}
            onValue={setReason}
            help="Kept in the Main Log with the change."
            maxLength={500}
          />
        </Show>
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button type="button" class="btn ghost" onClick={close}>
            Cancel
          </button>
          <button type="button" class="btn danger solid" disabled={busy()} onClick={confirm}>
            {props.user ? t().button(props.user) : ''}
          </button>
        </div>
      </div>
    </Modal>
  );
}
