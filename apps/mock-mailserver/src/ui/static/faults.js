// The fault rules editor: the rules in force with their firings, a form to add one, and the
// latest firings. Adding and removing go through POST / DELETE /api/faults/rules.
import { api } from './api.js';
import { el, longDate, toast } from './dom.js';

const ACTIONS = ['reply', 'drop', 'delay'];

function field(label, control, wide = false) {
  control.id = `fault-${control.name}`;
  return el(
    'div',
    { className: `field${wide ? ' wide' : ''}` },
    el('label', { htmlFor: control.id, textContent: label }),
    control,
  );
}

function ruleReply(rule, imapStages) {
  if ((rule.action ?? 'reply') !== 'reply') return '';
  if (imapStages.includes(rule.stage)) return `${rule.status ?? 'NO'} ${rule.message ?? '(default text)'}`;
  return `${rule.code ?? '(default code)'} ${rule.message ?? ''}`.trim();
}

function rulesTable(state, info, onRemove) {
  if (state.rules.length === 0)
    return el('p', { className: 'empty', textContent: 'No fault rules: every command succeeds.' });
  const head = ['#', 'Stage', 'Match', 'Action', 'Reply', 'Delay', 'Count', 'Fired', ''];
  return el(
    'table',
    { className: 'grid rules' },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { textContent: h, attrs: { scope: 'col' } })))),
    el(
      'tbody',
      {},
      ...state.rules.map((rule) =>
        el(
          'tr',
          { attrs: { 'data-stage': rule.stage } },
          el('td', { textContent: String(rule.index) }),
          el('td', { textContent: rule.stage }),
          el('td', { className: 'mono', textContent: rule.match ?? '(any)' }),
          el('td', { textContent: rule.action ?? 'reply' }),
          el('td', { className: 'mono', textContent: ruleReply(rule, info.imapStages) }),
          el('td', { textContent: rule.delayMs ? `${rule.delayMs} ms` : '' }),
          el('td', {
            textContent: rule.count === undefined ? '∞' : `${rule.remaining} of ${rule.count} left`,
          }),
          el('td', { textContent: String(rule.firedCount) }),
          el(
            'td',
            {},
            el('button', {
              type: 'button',
              className: 'button small danger',
              textContent: 'Remove',
              onclick: () => onRemove(rule.index),
              attrs: { 'aria-label': `Remove rule ${rule.index} (${rule.stage})` },
            }),
          ),
        ),
      ),
    ),
  );
}

function firedTable(fired) {
  if (fired.length === 0) return el('p', { className: 'empty', textContent: 'Nothing fired yet.' });
  return el(
    'table',
    { className: 'grid fired' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['When', 'Rule', 'Stage', 'Target', 'Answer'].map((h) =>
          el('th', { textContent: h, attrs: { scope: 'col' } }),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      ...fired
        .slice(-20)
        .reverse()
        .map((f) =>
          el(
            'tr',
            {},
            el('td', { textContent: longDate(f.at) }),
            el('td', { textContent: String(f.ruleIndex) }),
            el('td', { textContent: f.stage }),
            el('td', { className: 'mono', textContent: f.target ?? '' }),
            el('td', {
              className: 'mono',
              textContent: [
                f.action,
                f.code ?? f.status ?? '',
                f.message ?? '',
                f.delayMs ? `after ${f.delayMs} ms` : '',
              ]
                .filter(Boolean)
                .join(' '),
            }),
          ),
        ),
    ),
  );
}

/** The form to add a rule; the code field turns into NO / BAD for the IMAP stages. */
function ruleForm(info, onAdd) {
  const stage = el(
    'select',
    { name: 'stage' },
    ...info.stages.map((s) => el('option', { value: s, textContent: s })),
  );
  stage.value = 'rcpt';
  const match = el('input', {
    name: 'match',
    placeholder: 'glob or /regex/ (empty: any)',
    autocomplete: 'off',
  });
  const action = el(
    'select',
    { name: 'action' },
    ...ACTIONS.map((a) => el('option', { value: a, textContent: a })),
  );
  const code = el('input', { name: 'code', type: 'number', min: '400', max: '599', placeholder: 'default' });
  const status = el(
    'select',
    { name: 'status' },
    el('option', { value: 'NO', textContent: 'NO' }),
    el('option', { value: 'BAD', textContent: 'BAD' }),
  );
  const message = el('input', { name: 'message', placeholder: 'default text', autocomplete: 'off' });
  const count = el('input', { name: 'count', type: 'number', min: '1', placeholder: '∞' });
  const delay = el('input', { name: 'delayMs', type: 'number', min: '0', placeholder: '0' });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const codeField = field('Code', code);
  const statusField = field('IMAP status', status);
  const sync = () => {
    const imap = info.imapStages.includes(stage.value);
    codeField.hidden = imap;
    statusField.hidden = !imap;
  };
  stage.addEventListener('change', sync);
  sync();
  const form = el(
    'form',
    { attrs: { 'aria-label': 'Add a fault rule' } },
    field('Stage', stage),
    field('Match', match, true),
    field('Action', action),
    codeField,
    statusField,
    field('Text', message, true),
    field('Count', count),
    field('Delay (ms)', delay),
    el('button', { type: 'submit', className: 'button', textContent: 'Add rule' }),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const rule = { stage: stage.value, action: action.value };
    if (match.value.trim()) rule.match = match.value.trim();
    if (info.imapStages.includes(stage.value)) rule.status = status.value;
    else if (code.value) rule.code = Number(code.value);
    if (message.value.trim()) rule.message = message.value.trim();
    if (count.value) rule.count = Number(count.value);
    if (delay.value) rule.delayMs = Number(delay.value);
    try {
      await onAdd(rule);
      error.textContent = '';
      for (const input of [match, code, message, count, delay]) input.value = '';
    } catch (e) {
      error.textContent = e.message;
    }
  });
  return form;
}

/**
 * Renders the editor into `detail`; returns a handle whose `refresh()` re-reads the rules (on
 * each `fault` event while it is shown).
 */
export async function showFaults(detail) {
  const info = await api.info();
  const rules = el('div', { className: 'rules-slot' });
  const fired = el('div', { className: 'fired-slot' });
  async function refresh() {
    const state = await api.faults();
    rules.replaceChildren(rulesTable(state, info, remove));
    fired.replaceChildren(firedTable(state.fired));
  }
  async function remove(index) {
    await api.removeFault(index);
    toast(`Removed rule ${index}`);
    await refresh();
  }
  async function add(rule) {
    await api.addFault(rule);
    toast(`Added a ${rule.stage} rule`);
    await refresh();
  }
  detail.replaceChildren(
    el(
      'div',
      { className: 'faults' },
      el('h2', { textContent: 'Fault rules' }),
      el('p', {
        className: 'hint',
        textContent:
          'The first live rule of a stage whose match accepts the target fires: the recipient (rcpt), sender (mail), username (auth, imap-login), client address (connect), mailbox or login (imap-select, imap-fetch).',
      }),
      ruleForm(info, add),
      el('h3', { textContent: 'In force' }),
      rules,
      el('button', {
        type: 'button',
        className: 'button danger',
        textContent: 'Remove all rules',
        onclick: async () => {
          await api.clearFaults();
          await refresh();
        },
      }),
      el('h3', { textContent: 'Latest firings' }),
      fired,
    ),
  );
  await refresh();
  return { refresh };
}
