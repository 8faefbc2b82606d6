// The fault rules editor: the rules in force with their firings, a form to add one, and the
// latest firings. Adding and removing go through POST / DELETE /api/faults/rules.
import { api } from './api.js';
import { el, longDate, toast } from './dom.js';

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
  const action = rule.action ?? 'reply';
  if (action === 'bounce') {
    return ['DSN', rule.kind ?? 'hard', rule.status, rule.code, rule.text]
      .filter((x) => x !== undefined)
      .join(' ');
  }
  if (action === 'complain')
    return ['ARF', rule.feedbackType ?? 'abuse', rule.text].filter(Boolean).join(' ');
  if (action !== 'reply') return '';
  if (imapStages.includes(rule.stage)) return `${rule.status ?? 'NO'} ${rule.message ?? '(default text)'}`;
  return [rule.code ?? '(default code)', rule.errorType, rule.message]
    .filter((x) => x !== undefined)
    .join(' ');
}

function rulesTable(state, info, onRemove) {
  if (state.rules.length === 0)
    return el('p', { className: 'empty', textContent: 'No fault rules: every command succeeds.' });
  const head = ['#', 'Stage', 'Match', 'Action', 'Answer', 'Delay', 'Count', 'Fired', ''];
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

const options = (values) => values.map((v) => el('option', { value: v, textContent: v }));

/**
 * The form to add a rule. It shows the fields the chosen stage and action take: a code or the
 * IMAP NO / BAD for a reply, the error name at the SES and OAuth stages, the DSN kind and status
 * of a bounce, the feedback type of a complaint.
 */
function ruleForm(info, onAdd) {
  const stage = el('select', { name: 'stage' }, ...options(info.stages));
  stage.value = 'rcpt';
  const match = el('input', {
    name: 'match',
    placeholder: 'glob or /regex/ (empty: any)',
    autocomplete: 'off',
  });
  const action = el('select', { name: 'action' }, ...options(info.actions));
  const code = el('input', { name: 'code', type: 'number', min: '400', max: '599', placeholder: 'default' });
  const imapStatus = el('select', { name: 'imapStatus' }, ...options(['NO', 'BAD']));
  const errorType = el('input', { name: 'errorType', placeholder: 'default', autocomplete: 'off' });
  const kind = el('select', { name: 'kind' }, ...options(info.bounceKinds));
  const dsnStatus = el('input', {
    name: 'dsnStatus',
    placeholder: 'default, e.g. 5.1.1',
    autocomplete: 'off',
  });
  const feedbackType = el('select', { name: 'feedbackType' }, ...options(info.feedbackTypes));
  const text = el('input', { name: 'text', placeholder: 'default text', autocomplete: 'off' });
  const count = el('input', { name: 'count', type: 'number', min: '1', placeholder: '∞' });
  const delay = el('input', { name: 'delayMs', type: 'number', min: '0', placeholder: '0' });
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const fields = {
    code: field('Code', code),
    imapStatus: field('IMAP status', imapStatus),
    errorType: field('Error type', errorType),
    kind: field('Bounce kind', kind),
    dsnStatus: field('DSN status', dsnStatus),
    feedbackType: field('Feedback type', feedbackType),
    text: field('Text', text, true),
  };
  const shown = () => {
    const imap = info.imapStages.includes(stage.value);
    const a = action.value;
    return {
      code: (a === 'reply' && !imap) || a === 'bounce',
      imapStatus: a === 'reply' && imap,
      errorType: a === 'reply' && info.errorTypeStages.includes(stage.value),
      kind: a === 'bounce',
      dsnStatus: a === 'bounce',
      feedbackType: a === 'complain',
      text: a === 'reply' || a === 'bounce' || a === 'complain',
    };
  };
  const sync = () => {
    // Bounces and complaints exist only where a message is accepted.
    const reports = info.reportStages.includes(stage.value);
    for (const option of action.options) {
      option.disabled = (option.value === 'bounce' || option.value === 'complain') && !reports;
    }
    if (action.selectedOptions[0]?.disabled) action.value = 'reply';
    for (const [name, visible] of Object.entries(shown())) fields[name].hidden = !visible;
  };
  stage.addEventListener('change', sync);
  action.addEventListener('change', sync);
  sync();
  const form = el(
    'form',
    { attrs: { 'aria-label': 'Add a fault rule' } },
    field('Stage', stage),
    field('Match', match, true),
    field('Action', action),
    ...Object.values(fields),
    field('Count', count),
    field('Delay (ms)', delay),
    el('button', { type: 'submit', className: 'button', textContent: 'Add rule' }),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const on = shown();
    const rule = { stage: stage.value, action: action.value };
    const set = (key, value) => {
      if (value !== '') rule[key] = value;
    };
    set('match', match.value.trim());
    if (on.code && code.value) rule.code = Number(code.value);
    if (on.imapStatus) rule.status = imapStatus.value;
    if (on.errorType) set('errorType', errorType.value.trim());
    if (on.kind) rule.kind = kind.value;
    if (on.dsnStatus) set('status', dsnStatus.value.trim());
    if (on.feedbackType) rule.feedbackType = feedbackType.value;
    // A reply's words are its `message`; a bounce's or complaint's report text is `text`.
    if (on.text) set(action.value === 'reply' ? 'message' : 'text', text.value.trim());
    if (count.value) rule.count = Number(count.value);
    if (delay.value) rule.delayMs = Number(delay.value);
    try {
      await onAdd(rule);
      error.textContent = '';
      for (const input of [match, code, errorType, dsnStatus, text, count, delay]) input.value = '';
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
