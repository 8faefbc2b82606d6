import {
  accountInputSchema,
  type ConnectionTestResult,
  type Direction,
  incomingInputSchema,
  outgoingInputSchema,
} from '@mailroom/core/schemas';
import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, type JSX, on, onMount, Show } from 'solid-js';
import { createStore, produce, unwrap } from 'solid-js/store';
import { DeliverabilityToggle } from '../components/account/DeliverabilityToggle';
import { IncomingFields } from '../components/account/IncomingFields';
import { OAuthConnect, type OAuthSetup } from '../components/account/OAuthConnect';
import { OutgoingFields } from '../components/account/OutgoingFields';
import { ErrorBanner } from '../components/ErrorBanner';
import { SelectField, TextField } from '../components/Field';
import { StepList } from '../components/StepList';
import { toast } from '../components/Toasts';
import {
  type AccountDraft,
  draftFromView,
  emptyDraft,
  incomingInput,
  outgoingInput,
  toInput,
  toPatch,
} from '../lib/accountDraft';
import { createAccount, getAccount, testSettings, updateAccount } from '../lib/accounts';
import { ApiError, errorMessage } from '../lib/api';
import { applyAutoconfig } from '../lib/autoconfigFill';
import { deliverabilityOption } from '../lib/deliverability';
import { apiErrors, type FieldErrors, focusFirstError, validate } from '../lib/form';
import { purposeOptions } from '../lib/labels';
import {
  type AuthorizationView,
  type Autoconfig,
  discover,
  getAuthorization,
  type OAuthStatus,
  providerTokenEndpoint,
  rememberSignIn,
  returnedSignIn,
  scrubSecrets,
  shortProviderName,
  sourceText,
  takeSignIn,
} from '../lib/oauth';
import { newSecret, secretValue } from '../lib/secrets';
import { me, teamScope, teams } from '../lib/session';

/** Create and edit one account: fields follow the choices, errors land on the field they name. */
export default function AccountForm() {
  const params = useParams<{ id?: string }>();
  const navigate = useNavigate();
  const editing = () => !!params.id;
  const [loaded] = createResource(() => params.id, getAccount);
  const scope = teamScope();
  const [draft, setDraft] = createStore<AccountDraft>(emptyDraft(scope && scope !== 'system' ? scope : ''));
  let original: AccountDraft = structuredClone(unwrap(draft));
  createEffect(
    on(loaded, (a) => {
      if (!a) return;
      const d = draftFromView(a);
      setDraft(d);
      original = structuredClone(d);
    }),
  );

  // Start with the address: discovery fills the rest, which stays editable.
  const [email, setEmail] = createSignal('');
  const [found, setFound] = createSignal<Autoconfig>();
  const [discovering, setDiscovering] = createSignal(false);
  const [discoverError, setDiscoverError] = createSignal<string>();
  let looked = '';
  const [setup, setSetup] = createStore<OAuthSetup>({
    provider: '',
    providerName: '',
    device: false,
    clientId: '',
    clientSecret: newSecret(),
    authorizationEndpoint: '',
    tokenEndpoint: '',
    deviceEndpoint: '',
    userinfoEndpoint: '',
    scopes: '',
  });
  const [connected, setConnected] = createSignal<AuthorizationView>();
  const oauthParts = () =>
    [
      draft.outgoing.enabled && draft.outgoing.transport === 'smtp' ? ('outgoing' as const) : null,
      draft.incoming.enabled ? ('incoming' as const) : null,
    ].filter((d): d is Direction => !!d && authOf(d).method === 'oauth2');
  /** A finished sign-in this form may use (a new account's: an existing one was connected at once). */
  const signedIn = () => (!params.id && connected()?.status === 'connected' ? connected()?.id : undefined);
  /** OAuth2 parts of a new account with neither a sign-in nor a refresh token: nothing to test them with. */
  const untestedSignIn = () =>
    editing() || signedIn() ? [] : oauthParts().filter((d) => !secretValue(authOf(d).refreshToken));
  const authOf = (d: Direction) => (d === 'outgoing' ? draft.outgoing.kinds.smtp.auth : draft.incoming.auth);
  const setAuthOf = (d: Direction, k: string, v: unknown) =>
    d === 'outgoing'
      ? setDraft('outgoing', 'kinds', 'smtp', 'auth', k as never, v as never)
      : setDraft('incoming', 'auth', k as never, v as never);

  /** The sign-in's client and token endpoint go into every part that signs in with OAuth2. */
  const setOAuth = <K extends keyof OAuthSetup>(k: K, v: OAuthSetup[K]) => {
    setSetup(k as never, v as never);
    const field =
      k === 'clientId'
        ? 'clientId'
        : k === 'clientSecret'
          ? 'clientSecret'
          : k === 'tokenEndpoint'
            ? 'tokenUrl'
            : null;
    if (field) for (const d of oauthParts()) setAuthOf(d, field, v);
  };

  createEffect(
    on(loaded, (a) => {
      if (!a) return;
      const d = draftFromView(a);
      const o = [d.outgoing.kinds.smtp.auth, d.incoming.auth].find((x) => x.method === 'oauth2');
      if (!o) return;
      setSetup({ clientId: o.clientId, tokenEndpoint: o.tokenUrl, clientSecret: o.clientSecret });
      if (o.username) {
        setEmail(o.username);
        void lookUp(false);
      }
    }),
  );

  async function lookUp(fill = true) {
    const addr = email().trim();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(addr) || addr === looked) return;
    looked = addr;
    setDiscovering(true);
    setDiscoverError(undefined);
    try {
      const a = await discover(addr);
      setFound(a);
      if (fill) setDraft(produce((d) => void applyAutoconfig(d, addr, a)));
      if (a.oauth) {
        setSetup({
          provider: a.oauth.provider ?? a.provider?.id ?? '',
          providerName: shortProviderName(a.provider?.name ?? a.oauth.provider ?? ''),
          device: !!a.oauth.device,
        });
        const token =
          a.oauth.tokenEndpoint ??
          (setup.provider ? await providerTokenEndpoint(setup.provider).catch(() => undefined) : undefined);
        if (token && (fill || !setup.tokenEndpoint)) setOAuth('tokenEndpoint', token);
      }
      if (fill) {
        if (setup.clientId) setOAuth('clientId', setup.clientId);
        if (setup.tokenEndpoint) setOAuth('tokenEndpoint', setup.tokenEndpoint);
      }
    } catch (e) {
      setFound(undefined);
      setDiscoverError(errorMessage(e));
    } finally {
      setDiscovering(false);
    }
  }

  function useConnection(v: AuthorizationView) {
    setConnected(v);
    if (v.status !== 'connected' || !v.identity) return;
    for (const d of oauthParts()) setAuthOf(d, 'username', v.identity);
    if (params.id) toast(`Connected as ${v.identity}`);
  }

  // Back from the provider's consent page: the callback names the authorization and its result.
  onMount(() => {
    const back = returnedSignIn(new URLSearchParams(window.location.search));
    if (!back) return;
    const pending = takeSignIn();
    const saved = pending?.draft as
      | { draft?: AccountDraft; setup?: Partial<OAuthSetup>; email?: string; found?: Autoconfig }
      | undefined;
    if (!params.id && saved?.draft) {
      setDraft(saved.draft);
      if (saved.setup) setSetup({ ...saved.setup, clientSecret: newSecret() });
      if (saved.found) setFound(saved.found);
      if (saved.email) {
        setEmail(saved.email);
        looked = saved.email;
      }
    }
    const id = back.id || pending?.authorizationId;
    if (!id) {
      setConnected({ id: '', status: (back.result || 'error') as OAuthStatus, identity: null });
      return;
    }
    getAuthorization(id).then(useConnection, () =>
      setConnected({ id, status: (back.result || 'error') as OAuthStatus, identity: null }),
    );
    history.replaceState(null, '', window.location.pathname);
  });

  const [errors, setErrors] = createSignal<FieldErrors>({});
  // Whether the field errors on screen came from Save or from a test: the banner says which did not happen.
  const [errorsFrom, setErrorsFrom] = createSignal<'save' | 'test'>('save');
  const [saving, setSaving] = createSignal(false);
  const [testing, setTesting] = createSignal<Direction | null>(null);
  const [testResult, setTestResult] = createSignal<ConnectionTestResult>();
  const [testError, setTestError] = createSignal<unknown>();
  let form: HTMLFormElement | undefined;

  // Paths some field on screen shows; anything else the API names goes to the banner.
  const shown = new Set<string>();
  const err = (path: string) => {
    shown.add(path);
    return errors()[path];
  };
  const unplaced = () => Object.entries(errors()).filter(([p]) => !shown.has(p) && !/\.\d+$/.test(p));

  const setOut = <K extends keyof AccountDraft['outgoing']>(k: K, v: AccountDraft['outgoing'][K]) =>
    setDraft('outgoing', k as never, v as never);
  const setIn = <K extends keyof AccountDraft['incoming']>(k: K, v: AccountDraft['incoming'][K]) =>
    setDraft('incoming', k as never, v as never);

  async function save(close: boolean) {
    const v = validate(accountInputSchema, toInput(draft));
    setErrorsFrom('save');
    if (!v.ok) {
      setErrors(v.errors);
      focusFirstError(form);
      return;
    }
    setSaving(true);
    setErrors({});
    try {
      const saved = params.id
        ? await updateAccount(params.id, toPatch(unwrap(draft), original))
        : await createAccount(
            signedIn() ? { ...toInput(draft), oauthAuthorizationId: signedIn() } : toInput(draft),
          );
      toast(`Saved “${saved.name}”`);
      if (close) navigate(`/accounts/${saved.id}`);
      else if (!params.id) navigate(`/accounts/${saved.id}/edit`, { replace: true });
      else {
        const d = draftFromView(saved);
        setDraft(d);
        original = structuredClone(d);
      }
    } catch (e) {
      setErrors(apiErrors(e));
      focusFirstError(form);
    } finally {
      setSaving(false);
    }
  }

  async function runTest(direction: Direction) {
    const part = direction === 'outgoing' ? outgoingInput(draft.outgoing) : incomingInput(draft.incoming);
    const schema = direction === 'outgoing' ? outgoingInputSchema : incomingInputSchema;
    const v = validate(schema, part);
    setErrorsFrom('test');
    if (!v.ok) {
      // Test errors use the same paths as Save, prefixed with the part.
      setErrors(Object.fromEntries(Object.entries(v.errors).map(([p, m]) => [`${direction}.${p}`, m])));
      focusFirstError(form);
      return;
    }
    setErrors({});
    setTestError(undefined);
    setTestResult(undefined);
    setTesting(direction);
    try {
      setTestResult(
        await testSettings({
          accountId: params.id,
          direction,
          [direction]: part,
          ...deliverabilityOption(direction),
          ...(signedIn() ? { oauthAuthorizationId: signedIn() } : {}),
        }),
      );
    } catch (e) {
      const fe = apiErrors(e);
      const fields = Object.keys(fe).filter((k) => k !== '');
      if (fields.length > 0) {
        // The fields say what is wrong in their own words; the banner points at them, not at API paths.
        setErrors(fe);
        focusFirstError(form);
        const detail = `Correct the marked ${fields.length === 1 ? 'field' : 'fields'}, then test again.`;
        setTestError(
          e instanceof ApiError ? new ApiError({ ...e.problem, detail }, e.raw) : new Error(detail),
        );
      } else setTestError(e);
    } finally {
      setTesting(null);
    }
  }

  return (
    <>
      <div class="page-head">
        <div class="titles">
          <div class="crumbs">
            <A href="/accounts">Mail accounts</A>
            <Show when={editing() && loaded()}>
              {(a) => (
                <>
                  {' / '}
                  <A href={`/accounts/${a().id}`}>{a().name}</A>
                </>
              )}
            </Show>
          </div>
          <h1>{editing() ? `Edit ${loaded()?.name ?? 'account'}` : 'New mail account'}</h1>
          <p>Fields follow your choices; secrets are write-only and never shown again.</p>
        </div>
      </div>
      <ErrorBanner error={loaded.error} title="Could not load the account" />
      <form
        ref={form}
        novalidate
        aria-label={editing() ? 'Edit account' : 'New account'}
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <Show when={unplaced().length || errors()['']}>
          <div class="banner error" role="alert">
            <div>
              <strong>
                {errorsFrom() === 'test' ? 'The test could not run' : 'The account was not saved'}
              </strong>
              <For each={unplaced()}>{([p, m]) => <p>{p ? `${p}: ${m}` : m}</p>}</For>
            </div>
          </div>
        </Show>
        <div class="form-layout">
          <div class="stack">
            <Section title="Address">
              <div class="grid2">
                <TextField
                  fieldClass="span2"
                  label="Email address"
                  name="email"
                  type="email"
                  autocomplete="off"
                  spellcheck={false}
                  placeholder="someone@example.com"
                  value={email()}
                  onValue={setEmail}
                  onBlur={() => void lookUp()}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      void lookUp();
                    }
                  }}
                  help="Mailroom looks up the settings for this address and fills in the rest; everything stays editable."
                />
                <div class="span2 discovery-line" role="status" aria-live="polite">
                  <Show when={discovering()}>
                    <span class="muted">Looking up the settings…</span>
                  </Show>
                  <Show when={!discovering() && discoverError()}>
                    <span class="muted">Nothing found ({discoverError()}) — fill in the settings.</span>
                  </Show>
                  <Show when={!discovering() && found()}>
                    {(a) => (
                      <Show
                        when={a().source !== 'none'}
                        fallback={<span class="muted">Nothing found — fill in the settings.</span>}
                      >
                        <span>
                          <strong>{a().provider?.name ?? 'Settings found'}</strong>{' '}
                          <span class="muted">{sourceText[a().source] ?? `from ${a().source}`}</span>
                        </span>
                        <Show when={a().note}>
                          <span class="discovery-note">{a().note}</span>
                        </Show>
                      </Show>
                    )}
                  </Show>
                </div>
              </div>
            </Section>
            <Show when={oauthParts().length > 0}>
              <Section title="Sign-in">
                <OAuthConnect
                  setup={setup}
                  set={setOAuth}
                  accountId={params.id}
                  loginHint={email()}
                  connected={connected()}
                  onConnected={useConnection}
                  err={err}
                  beforeRedirect={(id) =>
                    rememberSignIn({
                      authorizationId: id,
                      returnTo: window.location.pathname,
                      draft: {
                        draft: scrubSecrets(unwrap(draft)),
                        setup: { ...unwrap(setup), clientSecret: undefined },
                        email: email(),
                        found: found(),
                      },
                    })
                  }
                />
              </Section>
            </Show>
            <Section title="Details">
              <div class="grid2">
                <TextField
                  label="Name"
                  name="name"
                  value={draft.name}
                  onValue={(v) => setDraft('name', v)}
                  error={err('name')}
                  help="Unique; how this account appears everywhere."
                />
                <TextField
                  label="Label"
                  name="label"
                  value={draft.label}
                  onValue={(v) => setDraft('label', v)}
                  error={err('label')}
                />
                <SelectField
                  label="Purpose"
                  value={draft.purpose}
                  onValue={(v) => setDraft('purpose', v as AccountDraft['purpose'])}
                  options={purposeOptions}
                  error={err('purpose')}
                />
                <SelectField
                  label="Team"
                  value={draft.teamId}
                  onValue={(v) => setDraft('teamId', v)}
                  options={[
                    { value: '', label: 'System (no team)' },
                    ...teams().map((t) => ({ value: t.id, label: t.name })),
                  ]}
                  error={err('teamId')}
                />
                <label class="check span2">
                  <input
                    type="checkbox"
                    checked={draft.debug}
                    onChange={(e) => setDraft('debug', e.currentTarget.checked)}
                  />
                  Debug: write protocol transcripts to the log (secrets redacted)
                </label>
              </div>
            </Section>
            <Section
              title="Outgoing"
              toggle={{
                label: 'Sends mail',
                checked: draft.outgoing.enabled,
                onChange: (v) => setOut('enabled', v),
              }}
              error={err('outgoing')}
            >
              <Show
                when={draft.outgoing.enabled}
                fallback={<p class="muted">This account does not send mail.</p>}
              >
                <OutgoingFields
                  o={draft.outgoing}
                  isAdmin={me()?.user.role === 'admin'}
                  set={setOut}
                  updateTransport={(kind, change) => setDraft('outgoing', 'kinds', kind, produce(change))}
                  err={err}
                />
              </Show>
            </Section>
            <Section
              title="Incoming"
              toggle={{
                label: 'Fetches mail',
                checked: draft.incoming.enabled,
                onChange: (v) => setIn('enabled', v),
              }}
              error={err('incoming')}
            >
              <Show
                when={draft.incoming.enabled}
                fallback={<p class="muted">This account does not fetch mail.</p>}
              >
                <IncomingFields
                  i={draft.incoming}
                  set={setIn}
                  setAuth={(k, v) => setDraft('incoming', 'auth', k, v as never)}
                  err={err}
                />
              </Show>
            </Section>
          </div>
          <aside class="side">
            <section class="card" aria-labelledby="test-title">
              <header>
                <h2 id="test-title">Test before saving</h2>
              </header>
              <div class="body stack">
                <p class="muted" style={{ margin: 0 }}>
                  Connects with the settings on screen; nothing is saved and no mail is sent.
                </p>
                <Show when={untestedSignIn().length > 0}>
                  <p class="muted" style={{ margin: 0 }} data-testid="oauth-test-note">
                    Sign in above before testing: OAuth2 ({untestedSignIn().join(' and ')}) signs in with the
                    token the sign-in gives.
                  </p>
                </Show>
                <div class="actions">
                  <button
                    type="button"
                    class="btn"
                    disabled={!draft.outgoing.enabled || !!testing()}
                    onClick={() => runTest('outgoing')}
                  >
                    Test outgoing
                  </button>
                  <button
                    type="button"
                    class="btn"
                    disabled={!draft.incoming.enabled || !!testing()}
                    onClick={() => runTest('incoming')}
                  >
                    Test incoming
                  </button>
                </div>
                <DeliverabilityToggle />
                <ErrorBanner error={testError()} title="The test could not run" />
                <StepList result={testResult()} running={!!testing()} label={testing() ?? undefined} />
              </div>
            </section>
          </aside>
        </div>
        <div class="form-bar">
          <A class="btn ghost" href={params.id ? `/accounts/${params.id}` : '/accounts'}>
            Cancel
          </A>
          <button type="submit" class="btn" disabled={saving()}>
            Save
          </button>
          <button type="button" class="btn primary" disabled={saving()} onClick={() => save(true)}>
            {saving() ? 'Saving…' : 'Save & close'}
          </button>
        </div>
      </form>
    </>
  );
}

function Section(props: {
  title: string;
  children: JSX.Element;
  toggle?: { label: string; checked: boolean; onChange: (v: boolean) => void };
  error?: string;
}) {
  const id = `sec-${props.title.toLowerCase()}`;
  return (
    <section class="card" aria-labelledby={id}>
      <header>
        <h2 id={id}>{props.title}</h2>
        <Show when={props.toggle}>
          {(t) => (
            <label class="check">
              <input
                type="checkbox"
                checked={t().checked}
                onChange={(e) => t().onChange(e.currentTarget.checked)}
              />
              {t().label}
            </label>
          )}
        </Show>
      </header>
      <div class="body form-section">
        <Show when={props.error}>
          <span class="error" role="alert">
            {props.error}
          </span>
        </Show>
        {props.children}
      </div>
    </section>
  );
}
