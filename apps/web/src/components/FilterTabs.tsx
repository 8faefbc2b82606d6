import { For } from 'solid-js';

export type FilterTab = { value: string; label: string };

/** Tabs that filter a list through the URL; only the tab of the current filter is the current page. */
export function FilterTabs(props: {
  label: string;
  tabs: readonly FilterTab[];
  /** The filter the list shows now ('' for none). */
  current: string;
  href: (value: string) => string;
}) {
  const isCurrent = (t: FilterTab) => props.current === t.value;
  return (
    <nav class="tabs" aria-label={props.label}>
      <For each={props.tabs}>
        {(t) => (
          // A plain link, still routed client-side: the router's <A> judges "current" by the
          // path alone, and every tab shares the list's path, so it marked them all.
          <a
            href={props.href(t.value)}
            class={isCurrent(t) ? 'active' : undefined}
            aria-current={isCurrent(t) ? 'page' : undefined}
          >
            {t.label}
          </a>
        )}
      </For>
    </nav>
  );
}
