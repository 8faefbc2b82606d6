import type { Team } from '@mailroom/core/schemas';
import { createUniqueId, For, type JSX, Show } from 'solid-js';

/** Teams as checkboxes (a multi-select that needs no Ctrl-click), with the field's error and help. */
export function TeamPicker(props: {
  legend: string;
  teams: readonly Team[];
  value: readonly string[];
  onValue: (ids: string[]) => void;
  error?: string | undefined;
  help?: JSX.Element;
}) {
  const id = createUniqueId();
  const toggle = (teamId: string, on: boolean) =>
    props.onValue(on ? [...props.value, teamId] : props.value.filter((t) => t !== teamId));
  return (
    <fieldset
      class="field"
      aria-invalid={!!props.error}
      aria-describedby={
        [props.error ? `${id}-err` : '', props.help ? `${id}-help` : ''].join(' ').trim() || undefined
      }
    >
      <legend>{props.legend}</legend>
      <Show
        when={props.teams.length}
        fallback={<span class="muted">No teams yet: create one on the Teams page.</span>}
      >
        <div class="row" style={{ 'flex-wrap': 'wrap', gap: '6px 18px' }}>
          <For each={props.teams}>
            {(t) => (
              <label class="check">
                <input
                  type="checkbox"
                  value={t.id}
                  checked={props.value.includes(t.id)}
                  onChange={(e) => toggle(t.id, e.currentTarget.checked)}
                />
                {t.name}
              </label>
            )}
          </For>
        </div>
      </Show>
      <Show when={props.help}>
        <span class="help" id={`${id}-help`}>
          {props.help}
        </span>
      </Show>
      <Show when={props.error}>
        <span class="error" id={`${id}-err`} role="alert">
          {props.error}
        </span>
      </Show>
    </fieldset>
  );
}

/** A field error for a list of team ids, whichever item the API named (`teamIds`, `teamIds.0` …). */
export function teamIdsError(errors: Record<string, string>): string | undefined {
  const key = Object.keys(errors).find((k) => k === 'teamIds' || k.startsWith('teamIds.'));
  return key ? errors[key] : undefined;
}
