// Keyboard: j / k or the arrows move, Enter opens, Delete or # deletes, / searches, u marks
// read / unread, 1–5 pick a tab, f opens the fault rules, ? shows the keys.

const typingIn = (target) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));

/** What a key does, or undefined: arrows, Enter and Home / End only where the list has the focus. */
function pick(key, onList, actions) {
  const { list, search } = actions;
  if (key === 'j' || (key === 'ArrowDown' && onList)) return () => list.move(1);
  if (key === 'k' || (key === 'ArrowUp' && onList)) return () => list.move(-1);
  if (onList && key === 'Home') return () => list.setCurrent(0);
  if (onList && key === 'End') return () => list.setCurrent(list.rows.length - 1);
  if ((key === 'Enter' && onList) || key === 'o') return actions.open;
  if (key === 'Delete' || key === '#') return actions.remove;
  if (key === '/') return () => search.focus();
  if (key === 'u') return actions.toggleRead;
  if (key === 'f') return actions.faults;
  if (key === '?') return actions.help;
  if (/^[1-5]$/.test(key)) return () => actions.tab(Number(key) - 1);
  return undefined;
}

/**
 * @param {{ list: import('./list.js').MessageList, search: HTMLInputElement, open: () => void,
 *   remove: () => void, toggleRead: () => void, tab: (n: number) => void, faults: () => void, help: () => void }} actions
 */
export function bindKeys(actions) {
  const listbox = actions.list.container;
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector('dialog[open]')) return;
    const target = /** @type {HTMLElement} */ (event.target);
    if (typingIn(target)) {
      if (event.key === 'Escape') {
        target.blur();
        listbox.focus();
      }
      return;
    }
    // Arrows, Enter and Home / End belong to the focused control (a tab, a button, a link)
    // unless that is the list or the page itself.
    const onList = target === listbox || target === document.body || target.id === 'detail';
    const action = pick(event.key, onList, actions);
    if (!action) return;
    action();
    event.preventDefault();
    // Moving from the page itself brings the focus to the list, where the focus ring shows.
    if (target === document.body && event.key !== '/') listbox.focus();
  });
}
