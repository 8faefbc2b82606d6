// Component tests draw into the page of happy-dom/jsdom: one helper mounts, and each test's end
// disposes what it mounted and empties the page.
import type { JSX } from 'solid-js';
import { render } from 'solid-js/web';
import { afterEach } from 'vitest';

const mounted: Array<() => void> = [];

afterEach(() => {
  for (const dispose of mounted.splice(0)) dispose();
  document.body.innerHTML = '';
});

/** Renders `el` into a fresh element of the page and returns that element. */
export function mount(el: () => JSX.Element): HTMLElement {
  const root = document.body.appendChild(document.createElement('div'));
  mounted.push(render(el, root));
  return root;
}
