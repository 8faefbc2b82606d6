import { Show } from 'solid-js';
import { ApiError } from '../lib/api';

/** The honest error: title, detail and the API's hint when there is one. */
export function ErrorBanner(props: { error: unknown; title?: string }) {
  const problem = () => (props.error instanceof ApiError ? props.error.problem : undefined);
  const text = () =>
    problem()?.detail ??
    (props.error instanceof Error ? props.error.message : props.error ? String(props.error) : '');
  return (
    <Show when={props.error}>
      <div class="banner error" role="alert">
        <div>
          <strong>{props.title ?? problem()?.title ?? 'Something went wrong'}</strong>
          <Show when={text() && text() !== (props.title ?? problem()?.title)}>
            <p>{text()}</p>
          </Show>
          <Show when={problem()?.hint}>
            <p class="muted">{problem()?.hint}</p>
          </Show>
        </div>
      </div>
    </Show>
  );
}
