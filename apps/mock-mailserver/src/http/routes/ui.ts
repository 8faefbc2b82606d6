import type { Router } from '../router.js';

// The web page: a message list (live through /api/events) and one message's text, HTML,
// headers, attachments, codes and raw source. Everything from a message is put in the
// page with textContent; HTML bodies render only in a sandboxed iframe whose document is
// itself served with a `sandbox` CSP, so mail scripts never run.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mock mail server</title>
<style>
  :root { font: 14px/1.4 system-ui, sans-serif; color: #1d232a; }
  body { margin: 0; display: grid; grid-template-columns: minmax(280px, 36%) 1fr; height: 100vh; }
  header { grid-column: 1 / -1; display: flex; gap: .5rem; align-items: center; padding: .5rem .75rem; background: #23303d; color: #fff; }
  header h1 { font-size: 1rem; margin: 0 1rem 0 0; }
  header input { flex: 1; max-width: 22rem; padding: .3rem .5rem; border: 0; border-radius: 4px; }
  header button { padding: .3rem .7rem; border: 0; border-radius: 4px; cursor: pointer; }
  #count { margin-left: auto; opacity: .8; }
  body { grid-template-rows: auto 1fr; }
  #list { overflow: auto; border-right: 1px solid #d6dbe0; margin: 0; padding: 0; list-style: none; }
  #list li { padding: .5rem .75rem; border-bottom: 1px solid #eceff2; cursor: pointer; }
  #list li[aria-selected="true"] { background: #e4eefb; }
  #list .subject { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #list .meta { color: #5a6673; font-size: .85em; }
  #detail { overflow: auto; padding: .75rem 1rem; }
  #detail h2 { margin: 0 0 .25rem; font-size: 1.2rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; margin: .5rem 0; }
  dt { color: #5a6673; }
  dd { margin: 0; word-break: break-all; }
  [role="tablist"] { display: flex; gap: .25rem; border-bottom: 1px solid #d6dbe0; margin: .75rem 0 .5rem; }
  [role="tab"] { border: 1px solid transparent; background: none; padding: .35rem .7rem; cursor: pointer; border-radius: 4px 4px 0 0; }
  [role="tab"][aria-selected="true"] { border-color: #d6dbe0; border-bottom-color: #fff; background: #fff; margin-bottom: -1px; }
  pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; padding: .75rem; border-radius: 4px; }
  iframe { width: 100%; height: 70vh; border: 1px solid #d6dbe0; border-radius: 4px; background: #fff; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; border-bottom: 1px solid #eceff2; padding: .25rem .5rem; vertical-align: top; }
  .empty { color: #5a6673; padding: 1rem; }
</style>
</head>
<body>
<header>
  <h1>Mock mail server</h1>
  <input id="search" type="search" placeholder="Search subject, address, text" aria-label="Search">
  <button id="clear" type="button">Delete all</button>
  <span id="count"></span>
</header>
<ul id="list" aria-label="Messages"></ul>
<main id="detail"><p class="empty">Select a message.</p></main>
<script>
const $ = (sel) => document.querySelector(sel);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
};
let selected = null;
let query = '';

async function loadList() {
  const params = new URLSearchParams({ limit: '200' });
  if (query) params.set('q', query);
  const page = await (await fetch('/api/messages?' + params)).json();
  $('#count').textContent = page.total + ' message' + (page.total === 1 ? '' : 's');
  const list = $('#list');
  list.replaceChildren(...page.items.map((m) => {
    const item = el('li', { tabIndex: 0 },
      el('div', { className: 'subject', textContent: m.subject || '(no subject)' }),
      el('div', { className: 'meta', textContent: (m.from?.address || m.envelope.mailFrom) + ' → ' + m.envelope.rcptTo.join(', ') }),
      el('div', { className: 'meta', textContent: new Date(m.receivedAt).toLocaleString() + ' · ' + m.size + ' B' + (m.transport === 'smtp' ? '' : ' · via ' + m.transport) }));
    item.setAttribute('aria-selected', String(m.id === selected));
    item.onclick = item.onkeydown = (e) => { if (!e.key || e.key === 'Enter') show(m.id); };
    return item;
  }));
  if (page.items.length === 0) list.append(el('li', { className: 'empty', textContent: 'No messages yet.' }));
}

async function show(id) {
  selected = id;
  for (const li of document.querySelectorAll('#list li')) li.setAttribute('aria-selected', 'false');
  const res = await fetch('/api/messages/' + encodeURIComponent(id));
  if (!res.ok) { $('#detail').replaceChildren(el('p', { className: 'empty', textContent: 'Message not found.' })); return; }
  const m = await res.json();
  const fmt = (list) => list.map((a) => a.name ? a.name + ' <' + a.address + '>' : a.address).join(', ');
  const facts = el('dl');
  for (const [k, v] of [['From', m.from ? fmt([m.from]) : ''], ['To', fmt(m.to)], ['Cc', fmt(m.cc)],
      ['Envelope', m.envelope.mailFrom + ' → ' + m.envelope.rcptTo.join(', ')],
      ['Via', ({ smtp: 'SMTP', mailgun: 'Mailgun API (' + m.mailgun?.domain + ')', ses: 'Amazon SES API (MessageId ' + m.ses?.messageId + ')' })[m.transport] || m.transport],
      ['Auth user', m.authUser || '—'],
      ['TLS', m.secure ? 'yes' : 'no'], ['Received', m.receivedAt], ['Message-ID', m.messageId || '—'], ['Id', m.id]]) {
    if (v) facts.append(el('dt', { textContent: k }), el('dd', { textContent: v }));
  }
  const panel = el('div', { role: 'tabpanel' });
  const views = {
    Text: () => el('pre', { textContent: m.text || '(no text part)' }),
    HTML: () => m.html ? el('iframe', { src: '/api/messages/' + m.id + '/html', sandbox: '', title: 'HTML body' }) : el('p', { className: 'empty', textContent: '(no HTML part)' }),
    Headers: () => el('table', {}, ...Object.entries(m.headers).map(([k, v]) => el('tr', {}, el('th', { textContent: k }), el('td', { textContent: v })))),
    Attachments: () => m.attachments.length ? el('ul', {}, ...m.attachments.map((a) => el('li', {},
      el('a', { href: '/api/messages/' + m.id + '/attachments/' + a.index, textContent: a.filename || 'attachment ' + a.index }),
      ' ' + a.contentType + ', ' + a.size + ' B'))) : el('p', { className: 'empty', textContent: 'No attachments.' }),
    Codes: async () => {
      const c = await (await fetch('/api/messages/' + m.id + '/codes')).json();
      return el('div', {}, el('h3', { textContent: 'Codes' }),
        el('ul', {}, ...c.codes.map((x) => el('li', {}, el('strong', { textContent: x.value }), ' — ' + x.context))),
        el('h3', { textContent: 'Links' }),
        el('ul', {}, ...c.links.map((x) => el('li', {}, el('a', { href: x.url, textContent: x.url, rel: 'noreferrer', target: '_blank' }), ' — ' + x.context))));
    },
    Raw: async () => el('pre', { textContent: await (await fetch('/api/messages/' + m.id + '/raw')).text() }),
  };
  const tabs = el('div', { role: 'tablist' });
  const open = async (name) => {
    for (const t of tabs.children) t.setAttribute('aria-selected', String(t.textContent === name));
    panel.replaceChildren(await views[name]());
  };
  for (const name of Object.keys(views)) tabs.append(el('button', { role: 'tab', type: 'button', textContent: name, onclick: () => open(name) }));
  $('#detail').replaceChildren(el('h2', { textContent: m.subject || '(no subject)' }), facts, tabs, panel);
  open(m.html ? 'HTML' : 'Text');
  loadList();
}

let timer;
$('#search').oninput = (e) => { clearTimeout(timer); timer = setTimeout(() => { query = e.target.value; loadList(); }, 200); };
$('#clear').onclick = async () => { await fetch('/api/messages', { method: 'DELETE' }); selected = null; $('#detail').replaceChildren(el('p', { className: 'empty', textContent: 'Select a message.' })); loadList(); };
const events = new EventSource('/api/events');
let pending;
const refresh = () => { clearTimeout(pending); pending = setTimeout(loadList, 100); };
for (const type of ['message', 'delete', 'reset', 'resync']) events.addEventListener(type, refresh);
loadList();
</script>
</body>
</html>
`;

export function uiRoutes(router: Router): void {
  router.on('GET', '/favicon.ico', ({ res }) => {
    res.writeHead(204, { 'cache-control': 'max-age=86400' });
    res.end();
  });

  router.on('GET', '/', ({ res }) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-src 'self'; img-src 'self' data:",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(PAGE);
  });
}
