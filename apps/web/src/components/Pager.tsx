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

/** The Pager of a loaded list page (nothing while it loads or failed); `onPage` gets the URL value. */
export function ListPager(props: {
  list: { page: number; pageSize: number; total: number } | undefined;
  label: string;
  onPage: (page: string | undefined) => void;
}) {
  return (
    <Show when={props.list}>
      {(d) => (
        <Pager
          page={d().page}
          pageSize={d().pageSize}
          total={d().total}
          label={props.label}
          onPage={(p) => props.onPage(p > 1 ? String(p) : undefined)}
        />
      )}
    </Show>
  );
}
