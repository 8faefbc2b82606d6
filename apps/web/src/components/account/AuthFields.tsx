import { Match, Show, Switch } from 'solid-js';
import type { AuthDraft } from '../../lib/accountDraft';
import { Segmented, SelectField, TextField } from '../Field';
import { SecretField } from '../SecretField';

const methods = [
  { value: 'none', label: 'None' },
  { value: 'password', label: 'Password' },
  { value: 'oauth2', label: 'OAuth 2' },
] as const;

const mechanisms = [
  { value: 'auto', label: 'Auto (XOAUTH2 unless only OAUTHBEARER is offered)' },
  { value: 'xoauth2', label: 'XOAUTH2 (Google, Microsoft)' },
  { value: 'oauthbearer', label: 'OAUTHBEARER (RFC 7628)' },
] as const;

/** Authentication of one direction; `prefix` is the error path root (`outgoing.auth`). */
export function AuthFields(props: {
  name: string;
  auth: AuthDraft;
  set: <K extends keyof AuthDraft>(k: K, v: AuthDraft[K]) => void;
  err: (path: string) => string | undefined;
  prefix: string;
}) {
  const e = (k: string) => props.err(`${props.prefix}.${k}`);
  return (
    <>
      <div class="span2">
        <Segmented
          legend="Authentication"
          name={props.name + '-auth'}
          value={props.auth.method}
          options={methods}
          onValue={(v) => props.set('method', v as AuthDraft['method'])}
          error={e('method')}
        />
      </div>
      <Switch>
        <Match when={props.auth.method === 'password'}>
          <TextField
            label="Username"
            autocomplete="off"
            value={props.auth.username}
            onValue={(v) => props.set('username', v)}
            error={e('username')}
          />
          <SecretField
            label="Password"
            secret={props.auth.password}
            onChange={(s) => props.set('password', s)}
            error={e('password')}
          />
        </Match>
        <Match when={props.auth.method === 'oauth2'}>
          <TextField
            label="Username"
            autocomplete="off"
            value={props.auth.username}
            onValue={(v) => props.set('username', v)}
            error={e('username')}
            help="The signed-in address, once you sign in under “Sign-in”."
          />
          <SecretField
            label="Refresh token"
            secret={props.auth.refreshToken}
            onChange={(s) => props.set('refreshToken', s)}
            error={e('refreshToken')}
          />
          <TextField
            fieldClass="span2"
            label="Token URL"
            type="url"
            placeholder="https://oauth2.googleapis.com/token"
            value={props.auth.tokenUrl}
            onValue={(v) => props.set('tokenUrl', v)}
            error={e('tokenUrl')}
          />
          <SelectField
            label="SASL mechanism"
            name={props.name + '-mechanism'}
            value={props.auth.mechanism}
            options={mechanisms}
            onValue={(v) => props.set('mechanism', v as AuthDraft['mechanism'])}
            error={e('mechanism')}
          />
          <p class="muted span2" style={{ margin: 0 }}>
            Client ID and secret, and “Sign in”, are under Sign-in; the refresh token is filled by signing in.
          </p>
          <Show when={e('clientId') || e('clientSecret')}>
            <span class="error span2" role="alert">
              {e('clientId') ? `Client ID ${e('clientId')}` : `Client secret ${e('clientSecret')}`}
            </span>
          </Show>
        </Match>
      </Switch>
    </>
  );
}
