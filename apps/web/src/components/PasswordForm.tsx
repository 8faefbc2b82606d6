import { passwordChangeSchema } from '@mailroom/core/schemas';
import { createSignal, type JSX, Show } from 'solid-js';
import { apiErrors, type FieldErrors, focusFirstError, validate } from '../lib/form';
import { ErrorBanner } from './ErrorBanner';
import { TextField } from './Field';

/** Current password, new password twice; `submit` talks to the API, errors land on the field they name. */
export function PasswordForm(props: {
  currentLabel: string;
  submitLabel: string;
  submit: (currentPassword: string, newPassword: string) => Promise<unknown>;
  onDone: () => void;
  /** Beside the submit button (Cancel, Sign out). */
  secondary?: JSX.Element;
  autofocus?: boolean;
}) {
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [repeat, setRepeat] = createSignal('');
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [busy, setBusy] = createSignal(false);
  let form: HTMLFormElement | undefined;

  async function submit(e: Event) {
    e.preventDefault();
    const v = validate(passwordChangeSchema, { currentPassword: current(), newPassword: next() });
    const found: FieldErrors = v.ok ? {} : { ...v.errors };
    if (!found.newPassword && next() !== repeat()) found.repeat = 'does not match the new password';
    if (!v.ok || Object.keys(found).length) {
      setErrors(found);
      return focusFirstError(form);
    }
    setBusy(true);
    try {
      await props.submit(v.data.currentPassword, v.data.newPassword);
      setErrors({});
      props.onDone();
    } catch (err) {
      setErrors(apiErrors(err));
      focusFirstError(form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={form} class="stack" novalidate onSubmit={submit}>
      <Show when={errors()['']}>
        <ErrorBanner error={errors()['']} title="The password was not changed" />
      </Show>
      <TextField
        label={props.currentLabel}
        type="password"
        name="current-password"
        autocomplete="current-password"
        autofocus={props.autofocus}
        value={current()}
        onValue={setCurrent}
        error={errors().currentPassword}
      />
      <TextField
        label="New password"
        type="password"
        name="new-password"
        autocomplete="new-password"
        value={next()}
        onValue={setNext}
        error={errors().newPassword}
        help="At least 10 characters. Your other sessions are signed out."
      />
      <TextField
        label="Repeat the new password"
        type="password"
        name="repeat-password"
        autocomplete="new-password"
        value={repeat()}
        onValue={setRepeat}
        error={errors().repeat}
      />
      <div class="actions" style={{ 'justify-content': 'flex-end' }}>
        {props.secondary}
        <button type="submit" class="btn primary" disabled={busy()}>
          {busy() ? 'Saving…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
