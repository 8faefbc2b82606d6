// The message list, windowed twice: the server sends the rows of the windows the list shows
// (the others are holes, asked for through `onNeed` when scrolled to), and only the rows near
// the viewport exist as elements, absolutely placed at index × row height. 10,000 messages
// cost the same first paint as 20.
import { el, formatSize, shortDate } from './dom.js';

const OVERSCAN = 8;

export class MessageList {
  /**
   * @param {HTMLElement} container the scrolling listbox
   * @param {{ onOpen: (id: string) => void, onNeed: (first: number, last: number) => void }} handlers
   */
  constructor(container, handlers) {
    this.container = container;
    this.handlers = handlers;
    this.rows = [];
    this.positions = new Map();
    /** The row the keyboard is on. */
    this.current = -1;
    /** The message shown in the detail pane. */
    this.openId = null;
    this.elements = new WeakMap();
    this.spacer = el('div', { className: 'spacer', attrs: { 'aria-hidden': 'true' } });
    this.emptyNote = el('p', { className: 'empty', textContent: 'No messages yet.' });
    this.rowHeight = Number.parseFloat(getComputedStyle(container).getPropertyValue('--row-height')) || 66;
    this.frame = 0;
    container.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(container);
    container.addEventListener('click', (event) => {
      const row = /** @type {HTMLElement} */ (event.target).closest('.row');
      if (!row) return;
      this.setCurrent(this.positions.get(row.dataset.id) ?? -1, false);
      this.handlers.onOpen(row.dataset.id);
    });
  }

  /**
   * Starts over with `count` rows (newest first) of which `rows` from `start` are known; the
   * keyboard stays on the same message when it is still among them.
   */
  reset(count, start, rows, emptyText = 'No messages yet.') {
    const currentId = this.rows[this.current]?.id;
    this.rows = new Array(count);
    for (let i = 0; i < rows.length && start + i < count; i++) this.rows[start + i] = rows[i];
    this.emptyNote.textContent = emptyText;
    this.index();
    const kept = currentId === undefined ? undefined : this.positions.get(currentId);
    this.current = kept ?? Math.min(this.current, count - 1);
    this.render();
  }

  /** Fills in rows of a window asked for with `onNeed`. */
  fill(start, rows) {
    for (let i = 0; i < rows.length && start + i < this.rows.length; i++) this.rows[start + i] = rows[i];
    this.index();
    this.render();
  }

  /** Whether every row from `start` (up to `count` of them) is known. */
  has(start, count) {
    const end = Math.min(this.rows.length, start + count);
    for (let i = start; i < end; i++) if (this.rows[i] === undefined) return false;
    return true;
  }

  /** The first row in view. */
  get firstVisible() {
    return Math.floor(this.container.scrollTop / this.rowHeight);
  }

  index() {
    this.positions = new Map();
    this.rows.forEach((row, i) => {
      if (row) this.positions.set(row.id, i);
    });
  }

  /** Changes one row in place (read state, tags) without touching the others. */
  patch(id, change) {
    const i = this.positions.get(id);
    if (i === undefined) return;
    this.rows[i] = { ...this.rows[i], ...change };
    this.render();
  }

  /** Drops rows by id, in one pass however many there are (unknown rows keep their place as holes). */
  remove(ids) {
    const gone = new Set(ids.filter((id) => this.positions.has(id)));
    if (gone.size === 0) return;
    const currentId = this.rows[this.current]?.id;
    const rows = new Array(this.rows.length - gone.size);
    let j = 0;
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i];
      if (row && gone.has(row.id)) {
        if (row.id === currentId) this.current = j;
        continue;
      }
      if (row) rows[j] = row;
      j++;
    }
    this.rows = rows;
    this.current = Math.min(this.current, rows.length - 1);
    this.index();
    this.render();
  }

  row(id) {
    const i = this.positions.get(id);
    return i === undefined ? undefined : this.rows[i];
  }

  get currentRow() {
    return this.rows[this.current];
  }

  setOpen(id) {
    this.openId = id;
    this.render();
  }

  /** Moves the keyboard to row `index` (clamped) and scrolls it into view. */
  setCurrent(index, scroll = true) {
    if (this.rows.length === 0) return;
    this.current = Math.max(0, Math.min(this.rows.length - 1, index));
    if (scroll) this.scrollTo(this.current);
    this.render();
  }

  move(delta) {
    this.setCurrent(this.current === -1 ? 0 : this.current + delta);
  }

  scrollTo(index) {
    const top = index * this.rowHeight;
    const view = this.container;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (top + this.rowHeight > view.scrollTop + view.clientHeight) {
      view.scrollTop = top + this.rowHeight - view.clientHeight;
    }
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Puts the rows of the visible window (plus a margin) in the DOM, reusing unchanged ones. */
  render() {
    const { container, rows, rowHeight } = this;
    this.spacer.style.height = `${rows.length * rowHeight}px`;
    if (rows.length === 0) {
      container.replaceChildren(this.emptyNote);
      container.removeAttribute('aria-activedescendant');
      return;
    }
    const first = Math.max(0, Math.floor(container.scrollTop / rowHeight) - OVERSCAN);
    const visible = Math.ceil((container.clientHeight || 800) / rowHeight);
    const last = Math.min(rows.length, first + visible + OVERSCAN * 2);
    const nodes = [this.spacer];
    let missing = false;
    for (let i = first; i < last; i++) {
      const row = rows[i];
      missing ||= row === undefined;
      nodes.push(row ? this.element(row, i) : this.placeholder(i));
    }
    if (missing) this.handlers.onNeed(first, last);
    // Moving nodes that are already in place would cost layout and could swallow a click.
    const children = container.children;
    if (children.length !== nodes.length || nodes.some((node, i) => children[i] !== node)) {
      container.replaceChildren(...nodes);
    }
    const current = rows[this.current];
    if (current && this.current >= first && this.current < last) {
      container.setAttribute('aria-activedescendant', `row-${current.id}`);
    } else container.removeAttribute('aria-activedescendant');
  }

  /** A row whose data is on its way. */
  placeholder(i) {
    const node = el('div', {
      className: `row loading${i === this.current ? ' current' : ''}`,
      textContent: 'Loading…',
      attrs: {
        role: 'option',
        'aria-busy': 'true',
        'aria-posinset': String(i + 1),
        'aria-setsize': String(this.rows.length),
      },
    });
    node.style.top = `${i * this.rowHeight}px`;
    return node;
  }

  element(row, i) {
    let node = this.elements.get(row);
    if (!node) {
      node = el(
        'div',
        { className: 'row', id: `row-${row.id}`, attrs: { role: 'option', 'data-id': row.id } },
        // Read aloud first; the dot says it on screen.
        el('span', { className: 'sr-only state' }),
        el(
          'div',
          { className: 'line' },
          el('span', { className: 'who', textContent: row.from || '(no sender)' }),
          row.attachments > 0 &&
            el('span', {
              className: 'clip',
              textContent: '📎',
              title: `${row.attachments} attachment(s)`,
              attrs: { role: 'img', 'aria-label': `${row.attachments} attachment(s)` },
            }),
          el('span', {
            className: 'when',
            textContent: `${shortDate(row.receivedAt)} · ${formatSize(row.size)}`,
          }),
        ),
        // elementtiming: the bench reads when the first rows were painted (Element Timing API).
        el('div', {
          className: 'subject',
          textContent: row.subject || '(no subject)',
          attrs: { elementtiming: 'list-row' },
        }),
        el('div', {
          className: 'snippet',
          textContent: `→ ${row.to.join(', ')}${row.snippet ? ` — ${row.snippet}` : ''}`,
        }),
      );
      this.elements.set(row, node);
    }
    node.style.top = `${i * this.rowHeight}px`;
    node.classList.toggle('unread', !row.read);
    node.classList.toggle('current', i === this.current);
    node.setAttribute('aria-selected', String(row.id === this.openId));
    node.setAttribute('aria-posinset', String(i + 1));
    node.setAttribute('aria-setsize', String(this.rows.length));
    node.firstChild.textContent = row.read ? '' : 'Unread: ';
    return node;
  }
}
