// The mock mail server's web page: list (live over /api/events), one message, fault rules.
// Routes live in the hash: #/ (list), #/m/<id> (a message), #/faults (the rules editor).
import { api } from './api.js';
import { $, el, toast } from './dom.js';
import { showFaults } from './faults.js';
import { bindKeys } from './keys.js';
import { MessageList } from './list.js';
import { showMessage, TABS } from './message.js';
import { initTheme } from './theme.js';

const detail = $('#detail');
const search = /** @type {HTMLInputElement} */ ($('#search'));
const mailbox = /** @type {HTMLSelectElement} */ ($('#mailbox'));
const count = $('#count');

const state = {
  selection: { search: '', to: '' },
  total: 0,
  unread: 0,
  /** The message view's handle, when a message is shown. */
  message: null,
  /** The fault editor's handle, when it is shown. */
  faults: null,
};

const list = new MessageList($('#list'), {
  onOpen: (id) => open(id),
  onNeed: (first, last) => need(first, last),
});
/** Rows come in windows of this many. */
const PAGE = 100;

function placeholder(text) {
  detail.replaceChildren(el('p', { className: 'empty', textContent: text }));
}

function showCount() {
  const shown = list.rows.length;
  const filtered = state.selection.search.trim() || state.selection.to;
  const unread = `${state.unread} unread`;
  count.textContent = filtered
    ? `${shown} of ${state.total} shown · ${unread}`
    : `${state.total} message${state.total === 1 ? '' : 's'} · ${unread}`;
}

function showMailboxes(boxes) {
  const chosen = state.selection.to;
  const options = [el('option', { value: '', textContent: 'All mailboxes' })];
  for (const box of boxes)
    options.push(el('option', { value: box.address, textContent: `${box.address} (${box.count})` }));
  if (chosen && !boxes.some((b) => b.address === chosen)) {
    options.push(el('option', { value: chosen, textContent: `${chosen} (0)` }));
  }
  mailbox.replaceChildren(...options);
  mailbox.value = chosen;
}

let loads = 0;
const asked = new Set();
/**
 * Lists the selection again, starting with the window in view; a slower, older answer never
 * overwrites a newer one.
 */
async function reload() {
  const mine = ++loads;
  asked.clear();
  const start = Math.floor(list.firstVisible / PAGE) * PAGE;
  const answer = await api.list(state.selection, start, PAGE, true);
  if (mine !== loads) return;
  state.total = answer.total;
  state.unread = answer.unread;
  const empty = answer.total === 0 ? 'No messages yet. Send one to the SMTP port.' : 'Nothing matches.';
  list.reset(answer.matched, answer.start, answer.rows, empty);
  showCount();
  showMailboxes(answer.mailboxes);
  // Marks for the bench: rows are in the DOM now; the next task after the frame runs after paint.
  performance.mark('list-rendered');
  requestAnimationFrame(() =>
    setTimeout(() => {
      performance.mark('list-painted');
      performance.measure('list-paint', 'list-data', 'list-painted');
      document.documentElement.dataset.listLoads = String(mine);
    }, 0),
  );
}

/** Asks for the windows of rows first..last that the list does not have yet. */
function need(first, last) {
  const mine = loads;
  for (let start = Math.floor(first / PAGE) * PAGE; start < last; start += PAGE) {
    if (asked.has(start) || list.has(start, PAGE)) continue;
    asked.add(start);
    api
      .list(state.selection, start, PAGE)
      .then((answer) => {
        if (mine !== loads) return;
        // The selection changed size since the first window: list it again from here.
        if (answer.matched !== list.rows.length) return reloadSoon(0);
        list.fill(answer.start, answer.rows);
      })
      .catch(() => asked.delete(start));
  }
}

let reloadTimer;
function reloadSoon(ms = 120) {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => reload().catch((e) => toast(`Cannot list: ${e.message}`)), ms);
}

// --- actions ---

function open(id) {
  const hash = `#/m/${encodeURIComponent(id)}`;
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function remove(id) {
  const index = list.positions.get(id);
  await api.remove(id).catch(() => {});
  list.remove([id]);
  toast('Deleted');
  if (list.openId === id) {
    // Carry on with the message that took its place, as a mail client does.
    const next = list.rows[Math.min(index ?? 0, list.rows.length - 1)];
    if (next) open(next.id);
    else location.hash = '#/';
  }
}

async function toggleRead(id, read) {
  await api.setRead([id], read);
  applyUpdate({ id, read });
}

function applyUpdate(change) {
  const before = list.row(change.id);
  if (before && change.read !== undefined && before.read !== change.read) {
    state.unread += change.read ? -1 : 1;
    showCount();
  }
  list.patch(change.id, change.tags ? { read: change.read, tags: change.tags } : { read: change.read });
  if (state.message?.id === change.id && change.read !== undefined) state.message.setRead(change.read);
}

async function deleteShown() {
  const n = list.rows.length;
  if (n === 0) return;
  const filtered = state.selection.search.trim() || state.selection.to;
  if (!confirm(`Delete ${filtered ? `the ${n} shown` : `all ${n}`} message${n === 1 ? '' : 's'}?`)) return;
  const { deleted } = await api.deleteShown(state.selection);
  toast(`Deleted ${deleted}`);
  await reload();
}

// --- routing ---

async function route() {
  const hash = location.hash;
  $('#nav-faults').toggleAttribute('aria-current', hash === '#/faults');
  if (hash === '#/faults') {
    $('#nav-faults').setAttribute('aria-current', 'page');
    state.message = null;
    list.setOpen(null);
    state.faults = await showFaults(detail);
    return;
  }
  state.faults = null;
  const match = /^#\/m\/(.+)$/.exec(hash);
  if (!match) {
    state.message = null;
    list.setOpen(null);
    placeholder('Select a message (j / k to move, Enter to open, ? for all keys).');
    return;
  }
  const id = decodeURIComponent(match[1]);
  const index = list.positions.get(id);
  if (index !== undefined) list.setCurrent(index);
  list.setOpen(id);
  const tab = state.message?.tab;
  state.message = await showMessage(detail, id, { onDelete: remove, onToggleRead: toggleRead, tab });
  if (state.message && list.row(id) && !list.row(id).read) await toggleRead(id, true);
}

// --- live updates ---

function listen() {
  const events = new EventSource('/api/events');
  const gone = [];
  let flush = 0;
  events.addEventListener('message', () => reloadSoon());
  events.addEventListener('update', (e) => applyUpdate(JSON.parse(e.data)));
  events.addEventListener('delete', (e) => {
    // A "delete all shown" sends one event per message: drop them in one pass per frame.
    gone.push(JSON.parse(e.data).id);
    if (flush) return;
    flush = requestAnimationFrame(() => {
      flush = 0;
      const ids = gone.splice(0);
      list.remove(ids);
      if (state.message && ids.includes(state.message.id) && list.openId === state.message.id) {
        state.message = null;
        placeholder('This message was deleted.');
      }
      reloadSoon(400);
    });
  });
  events.addEventListener('reset', () => {
    list.reset(0, 0, []);
    if (state.message) {
      state.message = null;
      placeholder('All messages were deleted.');
    }
    reloadSoon();
  });
  events.addEventListener('resync', () => reloadSoon());
  events.addEventListener('fault', () => state.faults?.refresh());
  // A stream opened again after a drop may have missed events (the first one follows the list).
  let opened = false;
  events.addEventListener('open', () => {
    if (opened) reloadSoon(0);
    opened = true;
  });
}

// --- wiring ---

let typing;
search.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    state.selection.search = search.value;
    list.container.scrollTop = 0;
    reload();
  }, 150);
});
search.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    clearTimeout(typing);
    state.selection.search = search.value;
    list.container.scrollTop = 0;
    reload().then(() => {
      list.setCurrent(0);
      $('#list').focus();
    });
  }
});
mailbox.addEventListener('change', () => {
  state.selection.to = mailbox.value;
  list.container.scrollTop = 0;
  reload();
});
$('#delete-shown').addEventListener('click', () => deleteShown());
$('#help-button').addEventListener('click', () => /** @type {HTMLDialogElement} */ ($('#help')).showModal());
$('#help-close').addEventListener('click', () => /** @type {HTMLDialogElement} */ ($('#help')).close());
window.addEventListener('hashchange', () => route());

initTheme($('#theme'));
bindKeys({
  list,
  search,
  open: () => list.currentRow && open(list.currentRow.id),
  remove: () => {
    const row = list.currentRow ?? (list.openId ? list.row(list.openId) : undefined);
    if (row) remove(row.id);
  },
  toggleRead: () => list.currentRow && toggleRead(list.currentRow.id, !list.currentRow.read),
  tab: (n) => state.message?.openTab(TABS[n]),
  faults: () => {
    location.hash = '#/faults';
  },
  help: () => /** @type {HTMLDialogElement} */ ($('#help')).showModal(),
});

await reload();
listen();
await route();
