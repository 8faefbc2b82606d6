import { createSignal, Show } from 'solid-js';
import {
  type AuthorizationView,
  type DeviceStarted,
  type StartAuthorization,
  startCode,
  startDevice,
  statusText,
} from '../../lib/oauth';
import { type SecretDraft, secretValue } from '../../lib/secrets';
import { ErrorBanner } from '../ErrorBanner';
import { TextField } from '../Field';
import { SecretField } from '../SecretField';
import { DeviceCodePanel } from './DeviceCodePanel';

/** What an OAuth2 sign-in needs: a catalogue provider (or endpoints typed in) and the OAuth client. */
export type OAuthSetup = {
  /** Catalogue id (`google`, `microsoft`, `mock`); empty for a custom provider. */
  provider: string;
  providerName: string;
  /** Whether the provider allows the device flow for mail scopes. */
  device: boolean;
  clientId: string;
  clientSecret: SecretDraft;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  deviceEndpoint: string;
  userinfoEndpoint: string;
  /** Space-separated. */
  scopes: string;
};

/** The authorization request the setup makes (the secret only when one was typed). */
export function authorizationRequest(
  s: OAuthSetup,
  extra: { accountId?: string | undefined; loginHint?: string | undefined },
): Omit<StartAuthorization, 'flow'> {
  const secret = secretValue(s.clientSecret);
  const scopes = s.scopes.split(/\s+/).filter(Boolean);
  return {
    ...(s.provider
      ? { provider: s.provider }
      : {
          endpoints: {
            tokenEndpoint: s.tokenEndpoint,
            ...(s.authorizationEndpoint ? { authorizationEndpoint: s.authorizationEndpoint } : {}),
            ...(s.deviceEndpoint ? { deviceAuthorizationEndpoint: s.deviceEndpoint } : {}),
            ...(s.userinfoEndpoint ? { userinfoEndpoint: s.userinfoEndpoint } : {}),
            ...(scopes.length ? { scopes } : {}),
          },
        }),
    clientId: s.clientId.trim(),
    ...(secret ? { clientSecret: secret } : {}),
    ...(extra.accountId ? { accountId: extra.accountId } : {}),
    ...(extra.loginHint && /^[^@\s]+@[^@\s]+$/.test(extra.loginHint) ? { loginHint: extra.loginHint } : {}),
  };
}

/**
 * "Sign in with <Provider>" (the code flow: the browser goes to the provider and comes back) and
 * "Use a code instead" (the device flow, for installs the provider cannot redirect back to).
 */
export function OAuthConnect(props: {
  setup: OAuthSetup;
  set: <K extends keyof OAuthSetup>(k: K, v: OAuthSetup[K]) => void;
  accountId?: string | undefined;
  loginHint?: string | undefined;
  connected?: AuthorizationView | undefined;
  /** Called with the authorization id just before the browser leaves for the provider. */
  beforeRedirect?: (authorizationId: string) => void;
  onConnected: (v: AuthorizationView) => void;
  err?: (path: string) => string | undefined;
  /** Hide the client fields (a reconnect keeps the stored client). */
  compact?: boolean;
}) {
  const [busy, setBusy] = createSignal<'code' | 'device' | null>(null);
  const [error, setError] = createSignal<unknown>();
  const [device, setDevice] = createSignal<DeviceStarted>();
  const custom = () => !props.setup.provider;
  const e = (p: string) => props.err?.(p);
  const request = () =>
    authorizationRequest(props.setup, { accountId: props.accountId, loginHint: props.loginHint });

  async function code() {
    setError(undefined);
    setBusy('code');
    try {
      const started = await startCode(request());
      props.beforeRedirect?.(started.id);
      window.location.assign(started.authorizationUrl);
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  }

  async function useCode() {
    setError(undefined);
    setDevice(undefined);
    setBusy('device');
    try {
      setDevice(await startDevice(request()));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div class="oauth-connect stack">
      <Show when={!props.compact}>
        <div class="grid2">
          <Show when={custom()}>
            <TextField
              fieldClass="span2"
              label="Authorization endpoint"
              type="url"
              placeholder="https://login.example.com/oauth2/authorize"
              value={props.setup.authorizationEndpoint}
              onValue={(v) => props.set('authorizationEndpoint', v)}
              error={e('endpoints.authorizationEndpoint')}
            />
            <TextField
              fieldClass="span2"
              label="Token endpoint"
              type="url"
              placeholder="https://login.example.com/oauth2/token"
              value={props.setup.tokenEndpoint}
              onValue={(v) => props.set('tokenEndpoint', v)}
              error={e('endpoints.tokenEndpoint')}
            />
            <TextField
              fieldClass="span2"
              label="Device authorization endpoint"
              type="url"
              help="Only for “Use a code instead”."
              value={props.setup.deviceEndpoint}
              onValue={(v) => props.set('deviceEndpoint', v)}
              error={e('endpoints.deviceAuthorizationEndpoint')}
            />
            <TextField
              label="Userinfo endpoint"
              type="url"
              value={props.setup.userinfoEndpoint}
              onValue={(v) => props.set('userinfoEndpoint', v)}
              error={e('endpoints.userinfoEndpoint')}
            />
            <TextField
              label="Scopes"
              help="Separated by spaces."
              value={props.setup.scopes}
              onValue={(v) => props.set('scopes', v)}
              error={e('endpoints.scopes')}
            />
          </Show>
          <TextField
            label="Client ID"
            autocomplete="off"
            value={props.setup.clientId}
            onValue={(v) => props.set('clientId', v)}
            error={e('clientId')}
            help="From the app you registered with the provider."
          />
          <SecretField
            label="Client secret"
            secret={props.setup.clientSecret}
            onChange={(s) => props.set('clientSecret', s)}
            error={e('clientSecret')}
          />
        </div>
      </Show>
      <Show when={props.connected}>
        {(c) => (
          <div class={`banner ${c().status === 'connected' ? 'ok' : 'error'}`} role="status">
            <div>
              <strong>{statusText(c().status, c().identity, c().error)}</strong>
              <Show when={c().status === 'connected'}>
                <p>The address is used as the username; save to keep the connection.</p>
              </Show>
            </div>
          </div>
        )}
      </Show>
      <div class="actions">
        <button type="button" class="btn primary" disabled={!!busy()} onClick={code}>
          {busy() === 'code' ? 'Opening…' : `Sign in with ${props.setup.providerName || 'the provider'}`}
        </button>
        <Show when={props.setup.device || (custom() && !!props.setup.deviceEndpoint)}>
          <button type="button" class="btn" disabled={!!busy()} onClick={useCode}>
            {busy() === 'device' ? 'Asking for a code…' : 'Use a code instead'}
          </button>
        </Show>
      </div>
      <ErrorBanner error={error()} title="The sign-in could not start" />
      <Show when={device()} keyed>
        {(d) => (
          <DeviceCodePanel
            started={d}
            onDone={(v) => {
              if (v.status !== 'connected') return;
              props.onConnected(v);
              // The form says "Connected as …" once, above; the code is spent.
              setDevice(undefined);
            }}
            onRestart={useCode}
          />
        )}
      </Show>
    </div>
  );
}
