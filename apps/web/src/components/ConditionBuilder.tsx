import { conditionOps, logFields } from '@mailroom/core/schemas';
import { For, Index, Show } from 'solid-js';
import { Icon } from './Icon';

/** One row as edited: the value is text; `in` splits it on commas when the filter is built. */
export type CondRow = { field: string; op: string; value: string };

const opLabels: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  in: 'is one of',
  contains: 'contains',
  gte: '≥ (at or after)',
  lte: '≤ (at or before)',
};
const fieldLabels: Record<string, string> = {
  at: 'Time',
  source: 'Source',
  level: 'Level',
  message: 'Message',
  accountId: 'Account',
  actor: 'Actor',
};

/** The values of an "is one of" row, as its text holds them ("a, b"). */
export const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * field / operator / value rows joined by all (AND) or any (OR). Fields with known values (sources,
 * levels, accounts) offer them by name, while the row keeps the code or id the API filters on.
 */
export function ConditionBuilder(props: {
  rows: CondRow[];
  mode: 'all' | 'any';
  /** Known values of a field (sources, levels, accounts), offered as a list instead of free text. */
  choices?: (field: string) => ReadonlyArray<{ value: string; label: string }> | undefined;
  onRows: (rows: CondRow[]) => void;
  onMode: (m: 'all' | 'any') => void;
  /** Why row `i` cannot be applied as it is (shown under it, its value marked invalid), or undefined. */
  problem?: (i: number) => string | undefined;
}) {
  const update = (i: number, patch: Partial<CondRow>) =>
    props.onRows(props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset class="stack" style={{ gap: '8px' }}>
      <legend class="row">
        Match
        <select
          aria-label="Match all or any condition"
          style={{ width: 'auto' }}
          value={props.mode}
          onChange={(e) => props.onMode(e.currentTarget.value as 'all' | 'any')}
        >
          <option value="all">all</option>
          <option value="any">any</option>
        </select>
        of these conditions
      </legend>
      {/* Index, not For: rows are replaced on every keystroke, and For would re-create the
          row's inputs (losing focus); Index keeps the DOM per position. */}
      <Index each={props.rows}>
        {(r, i) => (
          <>
            <div class="cond-row">
              <select
                aria-label={`Condition ${i + 1} field`}
                value={r().field}
                onChange={(e) => update(i, { field: e.currentTarget.value, value: '' })}
              >
                <For each={logFields}>
                  {(f) => (
                    <option value={f} selected={f === r().field}>
                      {fieldLabels[f] ?? f}
                    </option>
                  )}
                </For>
              </select>
              <select
                aria-label={`Condition ${i + 1} operator`}
                value={r().op}
                onChange={(e) => {
                  const op = e.currentTarget.value;
                  // Leaving "is one of" keeps the first value: "is" takes one.
                  update(i, { op, value: op === 'in' ? r().value : (splitList(r().value)[0] ?? '') });
                }}
              >
                <For each={conditionOps}>
                  {(o) => (
                    <option value={o} selected={o === r().op}>
                      {opLabels[o] ?? o}
                    </option>
                  )}
                </For>
              </select>
              <Show
                when={
                  // Known values are picked, not typed: one for "is"/"is not", several for "is one of".
                  (r().op === 'eq' || r().op === 'neq' || r().op === 'in') && props.choices?.(r().field)
                }
                fallback={
                  <input
                    id={`cond-value-${i}`}
                    aria-invalid={props.problem?.(i) ? 'true' : undefined}
                    aria-describedby={props.problem?.(i) ? `cond-problem-${i}` : undefined}
                    aria-label={`Condition ${i + 1} value`}
                    placeholder={
                      r().op === 'in' ? 'a, b, c' : r().field === 'at' ? '2026-01-31T12:00:00Z' : 'value'
                    }
                    value={r().value}
                    onInput={(e) => update(i, { value: e.currentTarget.value })}
                  />
                }
              >
                {(options) => (
                  <Show
                    when={r().op === 'in'}
                    fallback={
                      <select
                        id={`cond-value-${i}`}
                        aria-invalid={props.problem?.(i) ? 'true' : undefined}
                        aria-describedby={props.problem?.(i) ? `cond-problem-${i}` : undefined}
                        aria-label={`Condition ${i + 1} value`}
                        value={r().value}
                        onChange={(e) => update(i, { value: e.currentTarget.value })}
                      >
                        <option value="">Choose…</option>
                        <For each={options()}>
                          {(o) => (
                            <option value={o.value} selected={o.value === r().value}>
                              {o.label}
                            </option>
                          )}
                        </For>
                      </select>
                    }
                  >
                    <select
                      id={`cond-value-${i}`}
                      aria-invalid={props.problem?.(i) ? 'true' : undefined}
                      aria-describedby={props.problem?.(i) ? `cond-problem-${i}` : undefined}
                      multiple
                      size={Math.min(5, options().length)}
                      aria-label={`Condition ${i + 1} values (choose one or more)`}
                      onChange={(e) =>
                        update(i, {
                          value: [...e.currentTarget.selectedOptions].map((o) => o.value).join(', '),
                        })
                      }
                    >
                      <For each={options()}>
                        {(o) => (
                          <option value={o.value} selected={splitList(r().value).includes(o.value)}>
                            {o.label}
                          </option>
                        )}
                      </For>
                    </select>
                  </Show>
                )}
              </Show>
              <button
                type="button"
                class="btn ghost icon"
                aria-label={`Remove condition ${i + 1}`}
                onClick={() => props.onRows(props.rows.filter((_, j) => j !== i))}
              >
                <Icon name="x" />
              </button>
            </div>
            <Show when={props.problem?.(i)}>
              {(why) => (
                <p id={`cond-problem-${i}`} class="error" role="alert" style={{ margin: 0 }}>
                  {why()}
                </p>
              )}
            </Show>
          </>
        )}
      </Index>
      <Show when={props.rows.length === 0}>
        <p class="muted" style={{ margin: 0 }}>
          No conditions: every row in the time range.
        </p>
      </Show>
      <div>
        <button
          type="button"
          class="btn small"
          onClick={() => props.onRows([...props.rows, { field: 'source', op: 'eq', value: '' }])}
        >
          <Icon name="plus" /> Add condition
        </button>
      </div>
    </fieldset>
  );
}
