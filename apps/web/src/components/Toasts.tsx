import { createSignal, For } from 'solid-js';

type Toast = { id: number; text: string; kind: 'ok' | 'error' };
const [toasts, setToasts] = createSignal<Toast[]>([]);
let next = 1;

/** Show a short confirmation; it is announced by screen readers and fades after a few seconds. */
export function toast(text: string, kind: Toast['kind'] = 'ok'): void {
  const id = next++;
  setToasts((t) => [...t, { id, text, kind }]);
  setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 4000);
}

export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>{(t) => <div class={`toast ${t.kind}`}>{t.text}</div>}</For>
    </div>
  );
}
