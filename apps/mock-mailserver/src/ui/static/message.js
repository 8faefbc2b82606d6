// One message: its facts, the codes and links found in it, the SMTP envelope and connection,
// and tabs for the HTML (sandboxed iframe), text, source, headers and attachments.
import { api } from './api.js';
import { addresses, copyButton, el, formatSize, longDate, safeHref } from './dom.js';

export const TABS = ['HTML', 'Text', 'Source', 'Headers', 'Attachments'];

const VIA = {
  smtp: 'SMTP',
  mailgun: 'Mailgun API',
  ses: 'Amazon SES API',
  mailpit: "Mailpit's send API",
  imap: 'IMAP (APPEND / COPY)',
};

function facts(pairs) {
  const list = el('dl', { className: 'facts' });
  for (const [term, value] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    list.append(el('dt', { textContent: term }), el('dd', {}, value));
  }
  return list;
}

const badge = (yes, text) => el('span', { className: `badge ${yes ? 'yes' : 'no'}`, textContent: text });

function card(title, ...children) {
  return el(
    'section',
    { className: 'card', attrs: { 'aria-label': title } },
    el('h3', { textContent: title }),
    ...children,
  );
}

function codesCard(found) {
  if (found.codes.length === 0)
    return card('Codes', el('p', { className: 'missing', textContent: 'No code found.' }));
  return card(
    'Codes',
    el(
      'ul',
      { className: 'found' },
      ...found.codes.map((code) =>
        el(
          'li',
          {},
          el('span', { className: 'value code', textContent: code.value }),
          copyButton(code.value, `code ${code.value}`),
          el('span', { className: 'context', textContent: code.context, title: code.context }),
        ),
      ),
    ),
  );
}

function linksCard(found) {
  if (found.links.length === 0)
    return card('Links', el('p', { className: 'missing', textContent: 'No link found.' }));
  return card(
    'Links',
    el(
      'ul',
      { className: 'found' },
      ...found.links.map((link) => {
        const href = safeHref(link.url);
        // HTML anchors carry their anchor text as context; text links the words around them.
        const context = link.source === 'html' && link.context !== link.url ? link.context : '';
        return el(
          'li',
          { className: 'link' },
          el(
            'div',
            { className: 'url-line' },
            href
              ? el('a', {
                  className: 'url',
                  href,
                  textContent: link.url,
                  title: link.url,
                  target: '_blank',
                  rel: 'noreferrer noopener',
                })
              : el('span', { className: 'url', textContent: link.url }),
            copyButton(link.url, `link ${link.url}`),
          ),
          context && el('span', { className: 'context', textContent: `“${context}”`, title: context }),
        );
      }),
    ),
  );
}

function envelopeCard(m) {
  return card(
    'Envelope and connection',
    facts([
      [
        'MAIL FROM',
        el('span', { textContent: m.envelope.mailFrom ? `<${m.envelope.mailFrom}>` : '<> (null sender)' }),
      ],
      ['RCPT TO', el('span', { textContent: m.envelope.rcptTo.map((r) => `<${r}>`).join(', ') })],
      ['Via', VIA[m.transport] ?? m.transport],
      ['Client', m.remoteAddress],
      m.mailgun ? ['Mailgun domain', m.mailgun.domain] : ['', ''],
      m.ses ? ['SES MessageId', m.ses.messageId] : ['', ''],
      m.smtp?.helo ? ['HELO', m.smtp.helo] : ['', ''],
      ['TLS', tlsFact(m)],
      ['AUTH', m.authUser ? el('span', {}, badge(true, 'yes'), ` as ${m.authUser}`) : badge(false, 'no')],
      m.smtp ? ['Protocol', m.smtp.transmission] : ['', ''],
    ]),
  );
}

/** TLS yes/no, with the version and cipher when the SMTP session told them. */
function tlsFact(m) {
  if (!m.secure) return badge(false, 'no (plain text)');
  const detail = m.smtp?.tlsVersion
    ? ` ${m.smtp.tlsVersion}${m.smtp.tlsCipher ? ` · ${m.smtp.tlsCipher}` : ''}`
    : '';
  return el('span', {}, badge(true, 'yes'), detail || ' (STARTTLS or implicit TLS)');
}

function headersTable(headers) {
  return el(
    'table',
    { className: 'grid' },
    el(
      'tbody',
      {},
      ...Object.entries(headers).flatMap(([name, value]) =>
        String(value)
          .split('\n')
          .map((line) =>
            el(
              'tr',
              {},
              el('th', { textContent: name, attrs: { scope: 'row' } }),
              el('td', { className: 'mono', textContent: line }),
            ),
          ),
      ),
    ),
  );
}

function attachmentsTable(m) {
  if (m.attachments.length === 0) return el('p', { className: 'empty', textContent: 'No attachments.' });
  return el(
    'table',
    { className: 'grid' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['File', 'Type', 'Size', 'Part'].map((h) => el('th', { textContent: h, attrs: { scope: 'col' } })),
      ),
    ),
    el(
      'tbody',
      {},
      ...m.attachments.map((a) => {
        const name = a.filename || `attachment-${a.index}`;
        return el(
          'tr',
          {},
          el(
            'td',
            {},
            el('a', { href: api.attachmentUrl(m.id, a.index), textContent: name, download: name }),
          ),
          el('td', { textContent: `${a.contentType}${a.related ? ' (inline)' : ''}` }),
          el('td', { textContent: formatSize(a.size) }),
          el('td', { textContent: a.partId }),
        );
      }),
    ),
  );
}

/**
 * Renders message `id` into `detail`; resolves to a handle with `openTab(name)`, or null when
 * the message is gone.
 * @param {HTMLElement} detail
 * @param {string} id
 * @param {{ onDelete: (id: string) => void, onToggleRead: (id: string, read: boolean) => void, tab?: string }} options
 */
export async function showMessage(detail, id, options) {
  let m;
  let found;
  try {
    [m, found] = await Promise.all([api.message(id), api.codes(id)]);
  } catch {
    detail.replaceChildren(
      el('p', { className: 'empty', textContent: 'This message is gone (deleted or pruned).' }),
    );
    return null;
  }
  const readButton = el('button', {
    type: 'button',
    className: 'button',
    textContent: 'Mark unread',
    onclick: () => options.onToggleRead(m.id, !m.read),
  });
  const setRead = (read) => {
    m.read = read;
    readButton.textContent = read ? 'Mark unread' : 'Mark read';
  };
  setRead(m.read);

  const panel = el('div', { role: 'tabpanel', id: 'tabpanel', tabIndex: 0 });
  const tablist = el('div', { role: 'tablist', attrs: { 'aria-label': 'Message parts' } });
  const views = {
    HTML: () =>
      m.html
        ? el('iframe', {
            className: 'mail',
            title: 'HTML body (sandboxed: scripts never run)',
            attrs: { sandbox: '', referrerpolicy: 'no-referrer', src: api.htmlUrl(m.id) },
          })
        : el('p', { className: 'empty', textContent: 'No HTML part.' }),
    Text: () => el('pre', { textContent: m.text || '(no text part)' }),
    Source: async () => el('pre', { className: 'source', textContent: await api.raw(m.id) }),
    Headers: () => headersTable(m.headers),
    Attachments: () => attachmentsTable(m),
  };
  const tabs = TABS.map((name) => {
    const count =
      name === 'Attachments'
        ? m.attachments.length
        : name === 'Headers'
          ? Object.keys(m.headers).length
          : null;
    return el(
      'button',
      {
        type: 'button',
        id: `tab-${name}`,
        onclick: () => openTab(name),
        attrs: {
          role: 'tab',
          'aria-controls': 'tabpanel',
          'aria-selected': 'false',
          tabindex: '-1',
          'data-tab': name,
        },
      },
      name,
      count !== null && el('span', { className: 'n', textContent: ` ${count}` }),
    );
  });
  tablist.append(...tabs);
  tablist.addEventListener('keydown', (event) => {
    const at = TABS.indexOf(/** @type {HTMLElement} */ (event.target).dataset.tab ?? '');
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (to === undefined || at === -1) return;
    event.preventDefault();
    const name = TABS[(to + TABS.length) % TABS.length];
    openTab(name);
    document.getElementById(`tab-${name}`)?.focus();
  });

  let shown = '';
  async function openTab(name) {
    shown = name;
    for (const tab of tabs) {
      const selected = tab.dataset.tab === name;
      tab.setAttribute('aria-selected', String(selected));
      tab.setAttribute('tabindex', selected ? '0' : '-1');
    }
    panel.setAttribute('aria-labelledby', `tab-${name}`);
    const view = await views[name]();
    if (shown === name) panel.replaceChildren(view);
  }

  const from = m.from ? addresses([m.from]) : '';
  detail.replaceChildren(
    el('h2', { textContent: m.subject || '(no subject)' }),
    el(
      'div',
      { className: 'toolbar' },
      readButton,
      el('button', {
        type: 'button',
        className: 'button danger',
        textContent: 'Delete',
        onclick: () => options.onDelete(m.id),
      }),
      el('a', {
        className: 'button',
        href: api.rawDownloadUrl(m.id),
        textContent: 'Download .eml',
        download: `${m.id}.eml`,
      }),
    ),
    facts([
      ['From', from],
      ['To', addresses(m.to)],
      ['Cc', addresses(m.cc)],
      ['Reply-To', addresses(m.replyTo)],
      ['Date', m.date ? longDate(m.date) : ''],
      ['Received', longDate(m.receivedAt)],
      ['Size', formatSize(m.size)],
      ['Message-ID', m.messageId],
      ['Tags', m.tags.join(', ')],
    ]),
    el('div', { className: 'cards' }, codesCard(found), linksCard(found), envelopeCard(m)),
    tablist,
    panel,
  );
  const first = options.tab && TABS.includes(options.tab) ? options.tab : m.html ? 'HTML' : 'Text';
  await openTab(first);
  return {
    id: m.id,
    openTab,
    setRead,
    get tab() {
      return shown;
    },
  };
}
