import { type JSX, Show } from 'solid-js';
import { isAdmin } from '../../lib/session';

/** Page frame for administration screens; other roles get a plain explanation, not a broken page. */
export function AdminOnly(props: {
  title: string;
  lead: string;
  actions?: JSX.Element;
  children: JSX.Element;
}) {
  return (
    <>
      <div class="page-head">
        <div class="titles">
          <h1>{props.title}</h1>
          <p>{props.lead}</p>
        </div>
        <div class="actions">{props.actions}</div>
      </div>
      <Show when={isAdmin()} fallback={<div class="banner info">Only administrators can see this page.</div>}>
        {props.children}
      </Show>
    </>
  );
}
