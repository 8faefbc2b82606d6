// Small DOM helpers. Values from mail only ever become text (textContent, attributes set one
// by one): no HTML string is ever parsed in this page.

/**
 * An element with properties (className, textContent, onclick …), attributes (`attrs`) and children.
 * @param {string} tag
 * @param {Record<string, unknown> & { attrs?: Record<string, string> }} [props]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, ...children) {
  const { attrs, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** @param {string} selector */
export const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));

/** Only web and mail links become clickable; anything else (javascript:, data:) stays text. */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

let toastTimer;
/** A short message in the corner, announced to screen readers. */
export function toast(text) {
  let node = document.querySelector('.toast');
  if (!node) {
    node = el('div', { className: 'toast', attrs: { role: 'status', 'aria-live': 'polite' } });
    document.body.append(node);
  }
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    node.hidden = true;
  }, 2500);
}

/** Copies text to the clipboard (the Clipboard API, else a selected textarea). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = el('textarea', { value: text, attrs: { 'aria-hidden': 'true' } });
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  toast(`Copied ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`);
}

/** A Copy button for one value; `label` names what it copies for screen readers. */
export function copyButton(value, label) {
  return el('button', {
    type: 'button',
    className: 'button small',
    textContent: 'Copy',
    onclick: () => copyText(value),
    attrs: { 'aria-label': `Copy ${label}`, 'data-copy': value },
  });
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateOnly = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Today's mail by time, older mail by date. */
export function shortDate(iso) {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? timeOnly.format(date) : dateOnly.format(date);
}

export const longDate = (iso) => full.format(new Date(iso));

/** `Ann Lee <ann@x.org>, bob@x.org` */
export function addresses(list) {
  return (list ?? []).map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}
