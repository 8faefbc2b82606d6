import type { User } from '@mailroom/core/schemas';
import { passwordSchema } from '@mailroom/core/schemas';
import { createSignal, Show } from 'solid-js';
import { ErrorBanner } from '../../../components/ErrorBanner';
import { TextField } from '../../../components/Field';
import { Modal } from '../../../components/Modal';
import { toast } from '../../../components/Toasts';
import { resetPassword } from '../../../lib/people';

/**
 * Reset a user's password: Mailroom generates a temporary one (shown here once, with Copy) or the admin
 * types it. Either way the user's sessions end and the next sign-in asks for a new password.
 */
export function ResetPasswordDialog(props: {
  user: User | null;
  onClose: () => void;
  onDone: (u: User) => void;
}) {
  const [own, setOwn] = createSignal(false);
  const [password, setPassword] = createSignal('');
  const [fieldError, setFieldError] = createSignal<string>();
  const [error, setError] = createSignal<unknown>();
  const [temporary, setTemporary] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  function close() {
    setOwn(false);
    setPassword('');
    setFieldError(undefined);
    setError(undefined);
    setTemporary(null);
    props.onClose();
  }
  async function reset() {
    const u = props.user;
    if (!u) return;
    if (own()) {
      const v = passwordSchema.safeParse(password());
      if (!v.success) return setFieldError(v.error.issues[0]?.message);
    }
    setBusy(true);
    try {
      const r = await resetPassword(u.id, own() ? password() : undefined);
      props.onDone(r.user);
      if (r.temporaryPassword) setTemporary(r.temporaryPassword);
      else {
        toast(`Password of ${u.name} reset`);
        close();
      }
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
      title={
        temporary()
          ? `Temporary password for ${props.user?.name}`
          : `Reset the password of ${props.user?.name}?`
      }
      description={
        temporary()
          ? `Give it to ${props.user?.name} privately: Mailroom stores only a hash and shows it only now. At the next sign-in they must choose their own.`
          : `${props.user?.email} is signed out everywhere; at the next sign-in they must choose a new password. API tokens they created keep working.`
      }
    >
      <Show
        when={temporary()}
        fallback={
          <div class="stack">
            <ErrorBanner error={error()} />
            <label class="check">
              <input type="checkbox" checked={own()} onChange={(e) => setOwn(e.currentTarget.checked)} />
              Set the temporary password myself
            </label>
            <Show when={own()}>
              <TextField
                label="Temporary password"
                type="text"
                autocomplete="off"
                value={password()}
                onValue={setPassword}
                error={fieldError()}
                help="At least 10 characters."
              />
            </Show>
            <div class="actions" style={{ 'justify-content': 'flex-end' }}>
              <button type="button" class="btn ghost" onClick={close}>
                Cancel
              </button>
              <button type="button" class="btn primary" disabled={busy()} onClick={reset}>
                {own() ? 'Set temporary password' : 'Generate temporary password'}
              </button>
            </div>
          </div>
        }
      >
        <pre class="json" data-testid="temporary-password">
          {temporary()}
        </pre>
        <div class="actions" style={{ 'justify-content': 'flex-end' }}>
          <button
            type="button"
            class="btn"
            onClick={() => navigator.clipboard?.writeText(temporary() ?? '').then(() => toast('Copied'))}
          >
            Copy
          </button>
          <button type="button" class="btn primary" onClick={close}>
            Done
          </button>
        </div>
      </Show>
    </Modal>
  );
}
