import { Show } from 'solid-js';
import { failureText } from '../lib/failureText';

/**
 * A failure's sentence, with the library's own words (an OpenSSL line: the API's `detail`) folded away
 * under "Technical detail". `tight` drops the paragraphs' margins, for a line inside a list or a fact.
 */
export function FailureMessage(props: {
  error: { code: string; message: string; detail?: string | undefined };
  class?: string;
  tight?: boolean;
}) {
  const f = () => failureText(props.error);
  const margin = () => (props.tight ? { margin: '0' } : undefined);
  return (
    <>
      <p class={props.class} style={margin()}>
        {f().text}
      </p>
      <Show when={f().technical}>
        {(t) => (
          <details>
            <summary>Technical detail</summary>
            {/* A long unbroken line wraps instead of widening its card. */}
            <p class="mono" style={{ ...margin(), 'overflow-wrap': 'anywhere' }}>
              {t()}
            </p>
          </details>
        )}
      </Show>
    </>
  );
}
