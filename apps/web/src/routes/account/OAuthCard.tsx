import type { AccountView, AuthView } from '@mailroom/core/schemas';
import { createSignal, onMount, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { OAuthConnect, type OAuthSetup } from '../../components/account/OAuthConnect';
import {
  type AuthorizationView,
  discover,
  getAuthorization,
  type OAuthStatus,
  rememberSignIn,
  returnedSignIn,
  shortProviderName,
  statusText,
  takeSignIn,
} from '../../lib/oauth';
import { newSecret } from '../../lib/secrets';

type OAuthView = Extract<AuthView, { method: 'oauth2' }>;

/** The OAuth2 sign-in of an account (its outgoing part's, else its incoming part's), if it has one. */
export function oauthOf(a: AccountView): OAuthView | undefined {
  const parts = [(a.outgoing as { auth?: AuthView } | null)?.auth, a.incoming?.auth];
  return parts.find((p): p is OAuthView => p?.method === 'oauth2');
}

/** Whether the provider took back the account's access (revoked consent, expired grant). */
export function lostAccess(a: AccountView): boolean {
  return (
    a.health === 'auth_failed' ||
    a.sending?.health?.health === 'auth_failed' ||
    a.fetching?.health?.health === 'auth_failed'
  );
}

/**
 * The connected identity of an OAuth2 account, and when the provider took access back a banner
 * "Mailroom lost access to <identity>" with "Reconnect": the same sign-in, for this account.
 */
export function OAuthCard(props: { account: AccountView; canEdit: boolean; onChanged: () => void }) {
  const auth = () => oauthOf(props.account);
  const [open, setOpen] = createSignal(false);
  const [returned, setReturned] = createSignal<AuthorizationView>();
  const [setup, setSetup] = createStore<OAuthSetup>({
    provider: '',
    providerName: '',
    device: false,
    clientId: auth()?.clientId ?? '',
    clientSecret: newSecret(!!auth()?.hasClientSecret),
    authorizationEndpoint: '',
    tokenEndpoint: auth()?.tokenUrl ?? '',
    deviceEndpoint: '',
    userinfoEndpoint: '',
    scopes: '',
  });

  onMount(() => {
    // Back from the provider after a reconnect: say how it went.
    const back = returnedSignIn(new URLSearchParams(window.location.search));
    if (back) {
      const pending = takeSignIn();
      const id = back.id || pending?.authorizationId;
      const fallback = () =>
        setReturned({ id: id ?? '', status: (back.result || 'error') as OAuthStatus, identity: null });
      if (id) getAuthorization(id).then(setReturned, fallback);
      else fallback();
      history.replaceState(null, '', window.location.pathname);
      props.onChanged();
    }
    // Which provider the identity belongs to, so "Reconnect" knows where to send the person.
    const who = auth()?.username;
    if (who?.includes('@')) {
      discover(who).then(
        (a) => {
          if (!a.oauth) return;
          setSetup({
            provider: a.oauth.provider ?? a.provider?.id ?? '',
            providerName: shortProviderName(a.provider?.name ?? ''),
            device: !!a.oauth.device,
          });
        },
        () => {},
      );
    }
  });

  return (
    <Show when={auth()}>
      {(o) => (
        <div class="stack">
          <Show when={lostAccess(props.account)}>
            <div class="banner error" role="alert">
              <div>
                <strong>Mailroom lost access to {o().username}: sign in again</strong>
                <p>
                  The provider no longer accepts Mailroom’s token (the consent was revoked or has expired).
                  Sends wait, deferred, until you reconnect.
                </p>
              </div>
              <Show when={props.canEdit && !open()}>
                <button type="button" class="btn primary" onClick={() => setOpen(true)}>
                  Reconnect
                </button>
              </Show>
            </div>
          </Show>
          <Show when={returned()}>
            {(r) => (
              <div class={`banner ${r().status === 'connected' ? 'ok' : 'error'}`} role="status">
                <div>
                  <strong>{statusText(r().status, r().identity, r().error)}</strong>
                </div>
              </div>
            )}
          </Show>
          <p class="oauth-identity" style={{ margin: 0 }}>
            Signed in with OAuth 2 as <strong>{o().username || 'nobody yet'}</strong>
            <Show when={!o().hasToken}>
              <span class="muted"> · not connected yet</span>
            </Show>
            <Show when={props.canEdit && !open() && !lostAccess(props.account)}>
              {' '}
              <button type="button" class="btn ghost" onClick={() => setOpen(true)}>
                Sign in again
              </button>
            </Show>
          </p>
          <Show when={open()}>
            <OAuthConnect
              setup={setup}
              set={(k, v) => setSetup(k as never, v as never)}
              accountId={props.account.id}
              loginHint={o().username}
              compact={!!setup.provider}
              beforeRedirect={(id) =>
                rememberSignIn({ authorizationId: id, returnTo: window.location.pathname })
              }
              onConnected={() => {
                setOpen(false);
                props.onChanged();
              }}
            />
          </Show>
        </div>
      )}
    </Show>
  );
}
