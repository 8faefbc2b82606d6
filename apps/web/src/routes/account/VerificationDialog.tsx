import type { AccountView, VerificationPending } from '@mailroom/core/schemas';
import { createEffect, createSignal, on, Show } from 'solid-js';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { toast } from '../../components/Toasts';
import { confirmVerification, getVerification, sendVerification } from '../../lib/accounts';
import { ApiError } from '../../lib/api';
import { dateTimeSec, timeSec } from '../../lib/format';
import { me } from '../../lib/session';

export type VerificationStep = 'send' | 'enter';

/** "sent to … on …, expires …, 4 attempts left": what a person needs to find the mail and type the code. */
export function pendingText(p: VerificationPending): string {
  const left = `${p.attemptsLeft} attempt${p.attemptsLeft === 1 ? '' : 's'} left`;
  return `Sent to ${p.to} on ${dateTimeSec(p.sentAt)}; expires at ${timeSec(p.expiresAt, p.sentAt)} (${left}).`;
}

/**
 * Two steps: send a 6-digit code through the account, then type it back. It opens on the step the caller
 * asks for: "Enter code" when a code is already waiting (after a reload, or a closed dialog).
 */
export function VerificationDialog(props: {
  account: AccountView;
  open: boolean;
  step: VerificationStep;
  /** The code already waiting, as the API reports it. */
  pending: VerificationPending | null;
  onClose: () => void;
  /** A code was sent (or found waiting): the caller reloads the state it shows. */
  onChanged: () => void;
  onVerified: () => void;
}) {
  const [step, setStep] = createSignal<VerificationStep>('send');
  const [pending, setPending] = createSignal<VerificationPending | null>(null);
  const [to, setTo] = createSignal('');
  const [code, setCode] = createSignal('');
  const [notice, setNotice] = createSignal<string>();
  const [error, setError] = createSignal<unknown>();
  const [fieldError, setFieldError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  // Each opening starts from what the caller knows; the recipient defaults to the signed-in admin.
  createEffect(
    on(
      () => props.open,
      (open) => {
        if (!open) return;
        setStep(props.step === 'enter' && props.pending ? 'enter' : 'send');
        setPending(props.pending);
        setTo(props.pending?.to ?? me()?.user.email ?? '');
        setCode('');
        setNotice(undefined);
        setError(undefined);
        setFieldError(undefined);
      },
    ),
  );

  const close = () => props.onClose();

  async function send(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setFieldError(undefined);
    setNotice(undefined);
    try {
      await sendVerification(props.account.id, to().trim());
      // The state as stored (when it was sent, until when it works), not a guess of the browser's clock.
      setPending((await getVerification(props.account.id)).pending);
      setStep('enter');
      props.onChanged();
    } catch (err) {
      const waiting = err instanceof ApiError ? (err.raw.pending as VerificationPending | null) : null;
      if (err instanceof ApiError && err.code === 'rate_limited' && waiting) {
        // Too early for another code, but the last one still works: go and type it in.
        setPending(waiting);
        setStep('enter');
        setNotice(`${err.message}. The code sent to ${waiting.to} still works: type it in below.`);
        props.onChanged();
      } else if (err instanceof ApiError && err.fieldErrors().to) setFieldError(err.fieldErrors().to);
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
      if (err instanceof ApiError && err.status < 500) {
        setFieldError(err.fieldErrors().code ?? err.message);
        const left = err.raw.attemptsLeft;
        const p = pending();
        if (p && typeof left === 'number') setPending({ ...p, attemptsLeft: left });
        props.onChanged();
      } else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={props.open}
      onOpenChange={(o) => !o && close()}
      title={step() === 'enter' ? 'Enter the confirmation code' : 'Verify by confirmation code'}
      description={
        step() === 'enter'
          ? `Type in the 6-digit code sent through “${props.account.name}”.`
          : 'Mailroom sends a test mail with a 6-digit code through this account. Typing the code back proves the account delivers.'
      }
    >
      <ErrorBanner error={error()} />
      <Show
        when={step() === 'enter'}
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
              help="Your own address by default; any mailbox you can read."
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
          <Show when={notice()}>
            <div class="banner info" role="status">
              <div>
                <p>{notice()}</p>
              </div>
            </div>
          </Show>
          <Show when={pending()}>
            {(p) => (
              <p class="muted" data-testid="pending-code" style={{ margin: 0 }}>
                {pendingText(p())}
              </p>
            )}
          </Show>
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
            <button
              type="button"
              class="btn ghost"
              onClick={() => {
                setFieldError(undefined);
                setNotice(undefined);
                setStep('send');
              }}
            >
              Send a new code
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
