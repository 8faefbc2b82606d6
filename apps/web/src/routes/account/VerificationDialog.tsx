import type { AccountView } from '@mailroom/core/schemas';
import { createSignal, Show } from 'solid-js';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { toast } from '../../components/Toasts';
import { confirmVerification, sendVerification } from '../../lib/accounts';
import { ApiError } from '../../lib/api';

/** Two steps: send a 6-digit code through the account, then type it back. */
export function VerificationDialog(props: {
  account: AccountView;
  open: boolean;
  onClose: () => void;
  onVerified: () => void;
}) {
  const [to, setTo] = createSignal('');
  const [code, setCode] = createSignal('');
  const [sentTo, setSentTo] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>();
  const [fieldError, setFieldError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const close = () => {
    setSentTo(null);
    setCode('');
    setError(undefined);
    setFieldError(undefined);
    props.onClose();
  };

  async function send(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setFieldError(undefined);
    try {
      await sendVerification(props.account.id, to().trim());
      setSentTo(to().trim());
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors().to) setFieldError(err.fieldErrors().to);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setFieldError(undefined);
    try {
      await confirmVerification(props.account.id, code().trim());
      toast(`“${props.account.name}” is verified`);
      props.onVerified();
      close();
    } catch (err) {
      // Wrong and expired codes come back with a message saying which; show it at the field.
      if (err instanceof ApiError && err.status < 500) setFieldError(err.fieldErrors().code ?? err.message);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={props.open}
      onOpenChange={(o) => !o && close()}
      title={sentTo() ? 'Enter the confirmation code' : 'Verify by confirmation code'}
      description={
        sentTo()
          ? `A 6-digit code was sent through “${props.account.name}” to ${sentTo()}. It expires in 10 minutes.`
          : 'Mailroom sends a test mail with a 6-digit code through this account. Typing the code back proves the account delivers.'
      }
    >
      <ErrorBanner error={error()} />
      <Show
        when={sentTo()}
        fallback={
          <form class="stack" onSubmit={send}>
            <TextField
              label="Send the code to"
              name="verify-to"
              type="email"
              placeholder="you@example.com"
              value={to()}
              onValue={setTo}
              error={fieldError()}
              autofocus
            />
            <div class="actions" style={{ 'justify-content': 'flex-end' }}>
              <button type="button" class="btn ghost" onClick={close}>
                Cancel
              </button>
              <button type="submit" class="btn primary" disabled={busy() || !to().trim()}>
                {busy() ? 'Sending…' : 'Send code'}
              </button>
            </div>
          </form>
        }
      >
        <form class="stack" onSubmit={confirm}>
          <TextField
            label="Code"
            name="verify-code"
            inputmode="numeric"
            autocomplete="one-time-code"
            maxLength={6}
            placeholder="123456"
            value={code()}
            onValue={setCode}
            error={fieldError()}
            autofocus
          />
          <div class="actions" style={{ 'justify-content': 'space-between' }}>
            <button type="button" class="btn ghost" onClick={() => setSentTo(null)}>
              Send again
            </button>
            <button type="submit" class="btn primary" disabled={busy() || code().trim().length < 6}>
              Confirm
            </button>
          </div>
        </form>
      </Show>
    </Modal>
  );
}
