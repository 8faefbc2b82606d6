// Dark mode: the system's choice (prefers-color-scheme) by default; the button cycles
// auto → light → dark and remembers the choice in this browser.
const ORDER = ['auto', 'light', 'dark'];
const LABEL = { auto: '◐ Auto', light: '☀ Light', dark: '☾ Dark' };

function apply(button, theme) {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  button.textContent = LABEL[theme];
  button.setAttribute('aria-label', `Theme: ${theme} (change)`);
}

/** @param {HTMLElement} button */
export function initTheme(button) {
  let theme = localStorage.getItem('mock-ui-theme') ?? 'auto';
  if (!ORDER.includes(theme)) theme = 'auto';
  apply(button, theme);
  button.addEventListener('click', () => {
    theme = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
    localStorage.setItem('mock-ui-theme', theme);
    apply(button, theme);
  });
}
