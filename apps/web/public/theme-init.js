// Runs before first paint so a stored dark theme never flashes white. A file, not an inline
// script, because the API's Content-Security-Policy allows scripts from 'self' only.
(() => {
  let t = null;
  try {
    t = localStorage.getItem('mailroom.theme');
  } catch (_) {}
  if (t) document.documentElement.dataset.theme = t;
})();
