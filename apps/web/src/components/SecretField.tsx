import { createUniqueId, Match, Show, Switch } from 'solid-js';

import type { SecretDraft } from '../lib/secrets';

export type { SecretDraft };

export function SecretField(props: {
  label: string;
  secret: SecretDraft;
  onChange: (s: SecretDraft) => void;
  error?: string;
  autocomplete?: string;
  name?: string;
}) {
  const id = createUniqueId();
  let input: HTMLInputElement | undefined;
  const replace = () => {
    props.onChange({ ...props.secret, mode: 'replace', value: '' });
    queueMicrotask(() => input?.focus());
  };
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <Switch>
        <Match when={props.secret.mode === 'keep'}>
          <div class="secret-stored">
            <button
              type="button"
              id={id}
              class="btn"
              style={{ flex: '1', 'justify-content': 'flex-start' }}
              onClick={replace}
              aria-label={`${props.label}: ••• stored — replace`}
              aria-invalid={!!props.error}
            >
              ••• stored — replace
            </button>
            <button
              type="button"
              class="btn ghost small"
              onClick={() => props.onChange({ ...props.secret, mode: 'clear' })}
            >
              Clear
            </button>
          </div>
        </Match>
        <Match when={props.secret.mode === 'clear'}>
          <div class="secret-stored">
            <span class="dots" id={id}>
              Will be removed when you save
            </span>
            <button
              type="button"
              class="btn ghost small"
              onClick={() => props.onChange({ ...props.secret, mode: 'keep' })}
            >
              Undo
            </button>
          </div>
        </Match>
        <Match when={props.secret.mode === 'replace'}>
          <div class="secret-stored">
            <input
              ref={input}
              id={id}
              name={props.name}
              type="password"
              autocomplete={props.autocomplete ?? 'new-password'}
              value={props.secret.value}
              aria-invalid={!!props.error}
              aria-describedby={props.error ? id + '-err' : undefined}
              onInput={(e) => props.onChange({ ...props.secret, value: e.currentTarget.value })}
            />
            <Show when={props.secret.stored}>
              <button
                type="button"
                class="btn ghost small"
                onClick={() => props.onChange({ ...props.secret, mode: 'keep', value: '' })}
              >
                Keep stored
              </button>
            </Show>
          </div>
        </Match>
      </Switch>
      <Show when={props.error}>
        <span class="error" id={id + '-err'} role="alert">
          {props.error}
        </span>
      </Show>
    </div>
  );
}
