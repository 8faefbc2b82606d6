// Light/dark: follows the OS until the user picks one; the pick is remembered.
import { createSignal } from 'solid-js';

export type Theme = 'light' | 'dark' | 'system';
const initial = (document.documentElement.dataset.theme as Theme | undefined) ?? 'system';
const [theme, setThemeSignal] = createSignal<Theme>(initial);

export { theme };

export function setTheme(t: Theme): void {
  setThemeSignal(t);
  if (t === 'system') {
    delete document.documentElement.dataset.theme;
    localStorage.removeItem('mailroom.theme');
  } else {
    document.documentElement.dataset.theme = t;
    localStorage.setItem('mailroom.theme', t);
  }
}

/** The theme actually shown, resolving 'system' through the media query. */
export function effectiveTheme(): 'light' | 'dark' {
  const t = theme();
  if (t !== 'system') return t;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
