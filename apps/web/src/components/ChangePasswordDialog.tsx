import { Show } from 'solid-js';
import { Modal } from './Modal';
import { PasswordForm } from './PasswordForm';
import { toast } from './Toasts';

/** "Change my password", for everyone signed in (lazy: it brings the zod schema along). */
export default function ChangePasswordDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  submit: (currentPassword: string, newPassword: string) => Promise<unknown>;
}) {
  return (
    <Modal open={props.open} onOpenChange={props.onOpenChange} title="Change my password">
      {/* Mounted only while open, so the fields start empty each time. */}
      <Show when={props.open}>
        <PasswordForm
          currentLabel="Current password"
          submitLabel="Change password"
          submit={props.submit}
          onDone={() => {
            props.onOpenChange(false);
            toast('Password changed; your other sessions were signed out');
          }}
          secondary={
            <button type="button" class="btn ghost" onClick={() => props.onOpenChange(false)}>
              Cancel
            </button>
          }
        />
      </Show>
    </Modal>
  );
}
