import { type Accessor, createSignal, onCleanup, onMount } from 'solid-js';

/**
 * Window a long list rendered in the page's own scroll: only the rows near the viewport are in
 * the DOM, with spacer heights standing in for the rest. Lists up to `after` items render whole,
 * so ordinary pages keep native find-in-page and plain markup.
 */
export function windowed<T>(
  items: Accessor<readonly T[]>,
  opts: { rowHeight: number; after?: number; overscan?: number },
) {
  const after = opts.after ?? 200;
  const overscan = opts.overscan ?? 12;
  const [range, setRange] = createSignal({ start: 0, end: 60 });
  let anchor: HTMLElement | undefined;
  let frame = 0;

  const measure = () => {
    frame = 0;
    if (!anchor) return;
    const top = anchor.getBoundingClientRect().top;
    const start = Math.max(0, Math.floor(-top / opts.rowHeight) - overscan);
    const end = start + Math.ceil(window.innerHeight / opts.rowHeight) + overscan * 2;
    const cur = range();
    if (cur.start !== start || cur.end !== end) setRange({ start, end });
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(measure);
  };
  onMount(() => {
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    schedule();
  });
  onCleanup(() => {
    window.removeEventListener('scroll', schedule);
    window.removeEventListener('resize', schedule);
    cancelAnimationFrame(frame);
  });

  const active = () => items().length > after;
  const end = () => Math.min(items().length, range().end);
  const start = () => Math.min(range().start, end());
  return {
    /** Call with the element whose top is where the first row starts (the tbody). */
    ref: (el: HTMLElement) => {
      anchor = el;
    },
    active,
    visible: (): readonly T[] => (active() ? items().slice(start(), end()) : items()),
    /** Index of the first visible item in the whole list (for aria-rowindex). */
    offset: () => (active() ? start() : 0),
    padTop: () => (active() ? start() * opts.rowHeight : 0),
    padBottom: () => (active() ? (items().length - end()) * opts.rowHeight : 0),
  };
}
