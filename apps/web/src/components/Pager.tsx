import { Show } from 'solid-js';

/** Page controls under a table: "1–50 of 312", previous/next, page size. */
export function Pager(props: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (p: number) => void;
  onPageSize?: (n: number) => void;
  label?: string;
}) {
  const first = () => (props.total === 0 ? 0 : (props.page - 1) * props.pageSize + 1);
  const last = () => Math.min(props.total, props.page * props.pageSize);
  const pages = () => Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <nav class="pager" aria-label={props.label ?? 'Pagination'}>
      <span aria-live="polite">
        {first()}–{last()} of {props.total}
      </span>
      <span class="spacer" />
      {props.onPageSize ? (
        <label class="row">
          <span class="muted">Rows</span>
          <select
            value={String(props.pageSize)}
            onChange={(e) => props.onPageSize?.(Number(e.currentTarget.value))}
          >
            {[25, 50, 100, 500].map((n) => (
              <option value={n} selected={n === props.pageSize}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button
        type="button"
        class="btn small"
        disabled={props.page <= 1}
        onClick={() => props.onPage(props.page - 1)}
      >
        Previous
      </button>
      <span>
        Page {props.page} of {pages()}
      </span>
      <button
        type="button"
        class="btn small"
        disabled={props.page >= pages()}
        onClick={() => props.onPage(props.page + 1)}
      >
        Next
      </button>
    </nav>
  );
}

/** What a list paged by keyset says about itself (outbox, inbox, Main Log). */
export type CursorPage = {
  items: readonly unknown[];
  total: number;
  totalCapped: boolean;
  nextCursor: string | null;
  prevCursor: string | null;
};

/**
 * Keyset paging under a long list (nothing while it loads or failed): how many rows match (counted up to
 * 1,000) and in which team scope, Newest, Newer and Older. `onCursor` gets the cursor to put in the URL (undefined: the newest).
 */
export function ListPager(props: {
  list: CursorPage | undefined;
  label: string;
  /** The header's team scope the list is narrowed to (`Sales team`), said after the count. */
  scope?: string | undefined;
  onCursor: (cursor: string | undefined) => void;
}) {
  return (
    <Show when={props.list}>
      {(d) => (
        <nav class="pager" aria-label={props.label}>
          <span aria-live="polite">
            {d().items.length} shown of {d().total.toLocaleString('en')}
            {d().totalCapped ? '+' : ''}
            {props.scope ? ` · ${props.scope}` : ''}
          </span>
          <span class="spacer" />
          <button
            type="button"
            class="btn small"
            disabled={d().prevCursor === null}
            onClick={() => props.onCursor(undefined)}
          >
            Newest
          </button>
          <button
            type="button"
            class="btn small"
            disabled={d().prevCursor === null}
            onClick={() => props.onCursor(d().prevCursor ?? undefined)}
          >
            Newer
          </button>
          <button
            type="button"
            class="btn small"
            disabled={d().nextCursor === null}
            onClick={() => props.onCursor(d().nextCursor ?? undefined)}
          >
            Older
          </button>
        </nav>
      )}
    </Show>
  );
}
