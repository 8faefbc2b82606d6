import { createUniqueId, type JSX, Show, splitProps, untrack } from 'solid-js';

type FieldProps = {
  label: string;
  error?: string;
  help?: JSX.Element;
  class?: string;
  /** Render the control yourself; it receives the id and aria wiring. */
  children: (a: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => JSX.Element;
};

/** Label + control + help + error, wired for screen readers (aria-invalid, aria-describedby). */
export function Field(props: FieldProps) {
  const id = createUniqueId();
  const describedBy = () =>
    [props.error ? id + '-err' : '', props.help ? id + '-help' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={id}>{props.label}</label>
      {/* Getters, read by the control's own bindings: an error appearing updates aria-invalid
          without re-creating the control (which would drop focus and the caret). */}
      {untrack(() =>
        props.children({
          id,
          get 'aria-invalid'() {
            return !!props.error;
          },
          get 'aria-describedby'() {
            return describedBy();
          },
        }),
      )}
      <Show when={props.help}>
        <span class="help" id={id + '-help'}>
          {props.help}
        </span>
      </Show>
      <Show when={props.error}>
        <span class="error" id={id + '-err'} role="alert">
          {props.error}
        </span>
      </Show>
    </div>
  );
}

type TextProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onInput' | 'value'> & {
  label: string;
  error?: string;
  help?: JSX.Element;
  value: string | number | undefined;
  onValue: (v: string) => void;
  fieldClass?: string;
};

/** The common case: a labelled text input bound to a value. */
export function TextField(props: TextProps) {
  const [own, rest] = splitProps(props, ['label', 'error', 'help', 'value', 'onValue', 'fieldClass']);
  return (
    <Field label={own.label} error={own.error} help={own.help} class={own.fieldClass}>
      {(a) => (
        <input {...rest} {...a} value={own.value ?? ''} onInput={(e) => own.onValue(e.currentTarget.value)} />
      )}
    </Field>
  );
}

type SelectProps = {
  label: string;
  error?: string;
  help?: JSX.Element;
  value: string;
  onValue: (v: string) => void;
  options: ReadonlyArray<{ value: string; label: string }>;
  fieldClass?: string;
  name?: string;
};

export function SelectField(props: SelectProps) {
  return (
    <Field label={props.label} error={props.error} help={props.help} class={props.fieldClass}>
      {(a) => (
        <select
          {...a}
          name={props.name}
          value={props.value}
          onChange={(e) => props.onValue(e.currentTarget.value)}
        >
          {props.options.map((o) => (
            <option value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A row of radio buttons that looks like a segmented control; arrow keys move between options. */
export function Segmented(props: {
  legend: string;
  name: string;
  value: string;
  onValue: (v: string) => void;
  options: ReadonlyArray<{ value: string; label: string }>;
  error?: string;
}) {
  return (
    <fieldset class="field">
      <legend>{props.legend}</legend>
      <div class="seg">
        {props.options.map((o) => (
          <label>
            <input
              type="radio"
              name={props.name}
              value={o.value}
              checked={props.value === o.value}
              onChange={() => props.onValue(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
      <Show when={props.error}>
        <span class="error" role="alert">
          {props.error}
        </span>
      </Show>
    </fieldset>
  );
}
