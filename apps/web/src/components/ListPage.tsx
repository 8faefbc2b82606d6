import type { CursorListResult } from '@mailroom/core/schemas';
import { For, type JSX } from 'solid-js';
import { ErrorBanner } from './ErrorBanner';
import { ListPager } from './Pager';

/** One column of a list: its header, and the cell it draws for a row. */
export type ListColumn<T> = {
  header: string;
  /** Class of both the header and the cells (`num` right-aligns figures). */
  class?: string;
  /** Class of the cells only, when it depends on the row (a log level's colour). */
  cellClass?: string | ((item: T) => string);
  /** Tooltip of the cell, e.g. the exact time behind "3 min ago". */
  title?: (item: T) => string | undefined;
  cell: (item: T) => JSX.Element;
};

export type ListPageProps<T> = {
  /** Accessible name of the card (a region) holding the list. */
  label: string;
  /** Tabs and filters above the table; the page owns what they do. */
  toolbar?: JSX.Element;
  columns: readonly ListColumn<T>[];
  /** The last good page of results: undefined while the first load runs or after an error. */
  list: CursorListResult<T> | undefined;
  loading: boolean;
  error: unknown;
  errorTitle: string;
  /** What the table says when there is no row. */
  empty: JSX.Element;
  /** A whole row is a target for the mouse; pages put a real link or button in a cell for keyboards. */
  onRowClick?: (item: T) => void;
  pagerLabel: string;
  /** The header's team scope the list is narrowed to, said on the count line (`5 shown of 5 · Sales team`). */
  scope?: string | undefined;
  /** The page to show next, as the cursor to keep in the URL (undefined: the newest rows). */
  onCursor: (cursor: string | undefined) => void;
  style?: JSX.CSSProperties;
};

/**
 * The card of a list screen (inbox, outbox, logs): toolbar, error banner, table with its
 * empty row, pager. Props only: the page fetches, holds the filters in the URL, and says
 * what a column shows and what a row click does.
 */
export function ListPage<T>(props: ListPageProps<T>) {
  const cellClass = (col: ListColumn<T>, item: T) => {
    const own = typeof col.cellClass === 'function' ? col.cellClass(item) : col.cellClass;
    return [col.class, own].filter(Boolean).join(' ') || undefined;
  };
  return (
    <section class="card" aria-label={props.label} style={props.style}>
      {props.toolbar}
      <ErrorBanner error={props.error} title={props.errorTitle} />
      <div class="table-wrap" aria-busy={props.loading}>
        <table class="data">
          <thead>
            <tr>
              <For each={props.columns}>
                {(col) => (
                  <th scope="col" class={col.class}>
                    {col.header}
                  </th>
                )}
              </For>
            </tr>
          </thead>
          <tbody>
            <For
              each={props.list?.items ?? []}
              fallback={
                <tr>
                  <td colSpan={props.columns.length} class="empty">
                    {props.empty}
                  </td>
                </tr>
              }
            >
              {(item) => (
                <tr
                  class={props.onRowClick ? 'clickable' : undefined}
                  onClick={() => props.onRowClick?.(item)}
                >
                  <For each={props.columns}>
                    {(col) => (
                      <td class={cellClass(col, item)} title={col.title?.(item)}>
                        {col.cell(item)}
                      </td>
                    )}
                  </For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <ListPager list={props.list} label={props.pagerLabel} scope={props.scope} onCursor={props.onCursor} />
    </section>
  );
}
