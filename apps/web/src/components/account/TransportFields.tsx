import type { FieldSpec, TransportKind } from '@mailroom/core/schemas';
import { transportCatalog } from '@mailroom/core/schemas';
import { For, Match, Switch } from 'solid-js';
import type { AuthDraft, ServerDraft, TransportDraft } from '../../lib/accountDraft';
import { TextField } from '../Field';
import { SecretField } from '../SecretField';
import { AuthFields } from './AuthFields';
import { ServerFields } from './ServerFields';

/**
 * The fields of one transport, rendered from its declared spec (transports/<kind>/settings.ts): a new
 * transport brings its form with it. `server` and `auth` reuse the server and sign-in fields; fields only
 * admins may set are read-only for others.
 */
export function TransportFields(props: {
  kind: TransportKind;
  t: TransportDraft;
  isAdmin: boolean;
  /** Changes this transport's draft (a Solid store `produce`). */
  update: (change: (t: TransportDraft) => void) => void;
  err: (path: string) => string | undefined;
}) {
  const spec = () => transportCatalog[props.kind];
  const e = (k: string) => props.err('outgoing.' + k);
  const setServer = <K extends keyof ServerDraft>(k: K, v: ServerDraft[K]) =>
    props.update((t) => {
      t.server[k] = v;
    });
  const setAuth = <K extends keyof AuthDraft>(k: K, v: AuthDraft[K]) =>
    props.update((t) => {
      t.auth[k] = v;
    });
  return (
    <For each={spec().fields as FieldSpec[]}>
      {(f) => (
        <Switch>
          <Match when={f.kind === 'server'}>
            <ServerFields
              name="out"
              prefix="outgoing"
              host={props.t.server.host}
              port={props.t.server.port}
              security={props.t.server.security}
              allowInvalid={props.t.server.allowInvalidCertificates}
              defaultPort={(s) => spec().defaultPorts?.[s] ?? 0}
              onHost={(v) => setServer('host', v)}
              onPort={(v) => setServer('port', v)}
              onSecurity={(s, p) => {
                setServer('security', s);
                setServer('port', p);
              }}
              onAllowInvalid={(v) => setServer('allowInvalidCertificates', v)}
              err={props.err}
            />
          </Match>
          <Match when={f.kind === 'auth'}>
            <AuthFields name="out" prefix="outgoing.auth" auth={props.t.auth} set={setAuth} err={props.err} />
          </Match>
          <Match when={(f.kind === 'text' || f.kind === 'url') && f}>
            {(field) => (
              <TextField
                fieldClass={field().wide ? 'span2' : undefined}
                label={field().label}
                type={field().kind === 'url' ? 'url' : undefined}
                class={field().mono ? 'mono' : undefined}
                placeholder={field().placeholder}
                autocomplete="off"
                spellcheck={false}
                value={props.t.values[field().key] ?? ''}
                onValue={(v) =>
                  props.update((t) => {
                    t.values[field().key] = v;
                  })
                }
                readOnly={field().adminOnly && !props.isAdmin}
                error={e(field().key)}
                help={field().help}
              />
            )}
          </Match>
          <Match when={f.kind === 'secret' && f}>
            {(field) => (
              <SecretField
                label={field().label}
                secret={props.t.secrets[field().key] ?? { stored: false, mode: 'replace', value: '' }}
                onChange={(s) =>
                  props.update((t) => {
                    t.secrets[field().key] = s;
                  })
                }
                error={e(field().key)}
              />
            )}
          </Match>
        </Switch>
      )}
    </For>
  );
}
