import { loginSchema } from '@mailroom/core/schemas';
import { useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, onMount, Show } from 'solid-js';
import { ErrorBanner } from '../components/ErrorBanner';
import { TextField } from '../components/Field';
import { Icon } from '../components/Icon';
import { apiErrors, type FieldErrors, focusFirstError, validate } from '../lib/form';
import { loadMe, signIn } from '../lib/session';

export default function Login() {
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string }>();
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [busy, setBusy] = createSignal(false);
  let form: HTMLFormElement | undefined;

  // Only same-site paths are followed after sign-in, never an absolute URL from the query.
  const next = () =>
    params.next?.startsWith('/') && !params.next.startsWith('//') ? params.next : '/accounts';

  onMount(async () => {
    if (await loadMe().catch(() => null)) navigate(next(), { replace: true });
  });

  async function submit(e: Event) {
    e.preventDefault();
    const v = validate(loginSchema, { email: email(), password: password() });
    if (!v.ok) {
      setErrors(v.errors);
      focusFirstError(form);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      await signIn(v.data.email, v.data.password);
      navigate(next(), { replace: true });
    } catch (err) {
      setErrors(apiErrors(err));
      focusFirstError(form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="auth-page">
      <main class="card auth-card" aria-labelledby="signin-title">
        <div class="brand">
          <span class="brand-mark">
            <Icon name="mail" />
          </span>
          Mailroom
        </div>
        <h1 id="signin-title" style={{ 'text-align': 'center' }}>
          Sign in
        </h1>
        <p class="lead">Manage the mail servers your business sends and receives through.</p>
        <form ref={form} class="stack" onSubmit={submit} novalidate>
          <Show when={errors()['']}>
            <ErrorBanner error={errors()['']} title="Sign-in failed" />
          </Show>
          <TextField
            label="Email"
            type="email"
            name="email"
            autocomplete="username"
            autofocus
            value={email()}
            onValue={setEmail}
            error={errors().email}
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autocomplete="current-password"
            value={password()}
            onValue={setPassword}
            error={errors().password}
          />
          <button class="btn primary" type="submit" disabled={busy()}>
            {busy() ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
