import { useNavigate } from '@solidjs/router';
import { Icon } from '../components/Icon';
import { PasswordForm } from '../components/PasswordForm';
import { changeMyPassword, me, signOut } from '../lib/session';

/**
 * After an administrator reset the password, the session can do nothing until a new one is chosen (the
 * API refuses everything else): this screen stands in for the whole app until then.
 */
export default function ChoosePassword() {
  const navigate = useNavigate();
  return (
    <div class="auth-page">
      <main class="card auth-card" aria-labelledby="choose-title">
        <div class="brand">
          <span class="brand-mark">
            <Icon name="key" />
          </span>
          Mailroom
        </div>
        <h1 id="choose-title" style={{ 'text-align': 'center' }}>
          Choose a new password
        </h1>
        <p class="lead">
          An administrator reset the password of <strong>{me()?.user.email}</strong>. Type the temporary
          password you were given, then one only you know.
        </p>
        <PasswordForm
          currentLabel="Temporary password"
          submitLabel="Save and continue"
          autofocus
          submit={changeMyPassword}
          // The session's user no longer must change it: the app frame replaces this screen by itself.
          onDone={() => {}}
          secondary={
            <button
              type="button"
              class="btn ghost"
              onClick={async () => {
                await signOut();
                navigate('/login', { replace: true });
              }}
            >
              Sign out
            </button>
          }
        />
      </main>
    </div>
  );
}
