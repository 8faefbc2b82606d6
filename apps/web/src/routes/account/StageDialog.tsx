import type { AccountView, Stage } from '@mailroom/core/schemas';
import { createSignal } from 'solid-js';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { toast } from '../../components/Toasts';
import { changeStage } from '../../lib/accounts';

const verbs: Record<Stage, { title: string; button: string; done: string; text: string }> = {
  active: {
    title: 'Activate',
    button: 'Activate',
    done: 'Activated',
    text: 'The account will send, fetch and can become a default again.',
  },
  inactive: {
    title: 'Deactivate',
    button: 'Deactivate',
    done: 'Deactivated',
    text: 'The account stops sending and fetching; queued mail waits. Defaults that point at it are cleared.',
  },
  deleted: {
    title: 'Delete',
    button: 'Delete',
    done: 'Deleted',
    text: 'The account is hidden and stops working. It can be restored later; its history is kept.',
  },
};

/** Move an account to another stage, asking for the reason that goes into its timeline. */
export function StageDialog(props: {
  account: AccountView;
  target: Stage | null;
  onClose: () => void;
  onDone: (a: AccountView) => void;
}) {
  const [reason, setReason] = createSignal('');
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const restoring = () => props.account.stage === 'deleted' && props.target === 'inactive';
  const v = () =>
    restoring()
      ? {
          title: 'Restore',
          button: 'Restore',
          done: 'Restored',
          text: 'The account comes back as inactive; activate it when it is ready.',
        }
      : verbs[props.target ?? 'inactive'];

  async function submit(e: Event) {
    e.preventDefault();
    if (!props.target) return;
    setBusy(true);
    setError(undefined);
    try {
      const a = await changeStage(props.account.id, props.target, reason().trim());
      toast(`${v().done} “${a.name}”`);
      setReason('');
      props.onDone(a);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={!!props.target}
      onOpenChange={(o) => !o && props.onClose()}
      title={`${v().title} “${props.account.name}”?`}
      description={v().text}
    >
      <form class="stack" onSubmit={submit}>
        <ErrorBanner error={error()} />
        <Field label="Reason" help="Recorded in the account's timeline.">
          {(a) => (
            <textarea
              {...a}
              name="reason"
              rows={3}
              value={reason()}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button type="button" class="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            class={`btn ${props.target === 'deleted' ? 'danger solid' : 'primary'}`}
            disabled={busy()}
          >
            {v().button}
          </button>
        </div>
      </form>
    </Modal>
  );
}
