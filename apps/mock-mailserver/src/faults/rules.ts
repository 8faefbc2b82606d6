import type { BounceKind, DsnStatus, FaultAction, FaultRule, FaultStage, FeedbackType } from '../types.js';

export const FAULT_STAGES: readonly FaultStage[] = [
  'connect',
  'auth',
  'mail',
  'rcpt',
  'data',
  'end-of-data',
  'ses',
  'ses-account',
  'imap-connect',
  'imap-login',
  'imap-select',
  'imap-fetch',
  'oauth-token',
];
/** The stages of the SES emulation, where a code is an HTTP status and a reply is an SES error. */
export const SES_STAGES: readonly FaultStage[] = ['ses', 'ses-account'];
/** Stages whose rules may name an `errorType`: SES's error name, or the OAuth `error` (oauth-token). */
const ERROR_TYPE_STAGES: readonly FaultStage[] = [...SES_STAGES, 'oauth-token'];
/** The IMAP stages, where a reply is a tagged NO or BAD (BYE at the greeting) and has no code. */
export const IMAP_STAGES: readonly FaultStage[] = ['imap-connect', 'imap-login', 'imap-select', 'imap-fetch'];
const ACTIONS: readonly FaultAction[] = ['reply', 'drop', 'delay', 'bounce', 'complain'];
/** Where a message is accepted and can bounce or be complained about afterwards. */
export const REPORT_STAGES: readonly FaultStage[] = ['rcpt', 'data', 'end-of-data', 'ses'];
const KINDS: readonly BounceKind[] = ['hard', 'soft', 'delayed'];
const FEEDBACK_TYPES: readonly FeedbackType[] = ['abuse', 'fraud', 'virus', 'other', 'not-spam'];
const KEYS = new Set([
  'stage',
  'match',
  'code',
  'message',
  'errorType',
  'status',
  'count',
  'probability',
  'delayMs',
  'action',
  'kind',
  'text',
  'feedbackType',
]);

/** The reply a rule gives when it names no code or text. */
export const DEFAULT_REPLY: Record<FaultStage, { code: number; message: string }> = {
  connect: { code: 421, message: 'Service not available (mock fault)' },
  auth: { code: 535, message: 'Authentication credentials invalid (mock fault)' },
  mail: { code: 550, message: 'Sender rejected (mock fault)' },
  rcpt: { code: 550, message: 'Recipient rejected (mock fault)' },
  data: { code: 554, message: 'Transaction failed (mock fault)' },
  'end-of-data': { code: 554, message: 'Message rejected (mock fault)' },
  ses: { code: 400, message: 'Message rejected (mock fault)' },
  'ses-account': { code: 503, message: 'Service unavailable (mock fault)' },
  // IMAP replies carry no code; the text may start with a response code in brackets.
  'imap-connect': { code: 0, message: 'Service not available (mock fault)' },
  'imap-login': { code: 0, message: '[AUTHENTICATIONFAILED] Authentication failed (mock fault)' },
  'imap-select': { code: 0, message: '[UNAVAILABLE] Mailbox unavailable (mock fault)' },
  'imap-fetch': { code: 0, message: '[UNAVAILABLE] Fetch failed (mock fault)' },
  'oauth-token': { code: 503, message: 'The token endpoint is unavailable (mock fault)' },
};

/** What a `bounce` or `complain` rule puts into the envelope sender's mailbox. */
export type FaultReport =
  | { action: 'bounce'; kind: BounceKind; status: DsnStatus; code: number; text: string }
  | { action: 'complain'; feedbackType: FeedbackType; text: string };

const BOUNCE_DEFAULTS: Record<BounceKind, { status: DsnStatus; code: number; text: string }> = {
  hard: { status: '5.1.1', code: 550, text: 'Recipient address rejected: user unknown (mock bounce)' },
  soft: { status: '4.2.2', code: 452, text: 'Mailbox full, try again later (mock bounce)' },
  delayed: { status: '4.4.1', code: 451, text: 'Connection timed out, still trying (mock bounce)' },
};

/** The report of a `bounce` or `complain` rule, its defaults filled in; null for other actions. */
export function reportOf(rule: FaultRule): FaultReport | null {
  if (rule.action === 'complain') {
    return {
      action: 'complain',
      feedbackType: rule.feedbackType ?? 'abuse',
      text: rule.text ?? 'A recipient reported this message (mock complaint)',
    };
  }
  if (rule.action !== 'bounce') return null;
  const kind = rule.kind ?? 'hard';
  const fallback = BOUNCE_DEFAULTS[kind];
  return {
    action: 'bounce',
    kind,
    status: (rule.status as DsnStatus | undefined) ?? fallback.status,
    code: rule.code ?? fallback.code,
    text: rule.text ?? fallback.text,
  };
}

export class FaultRuleError extends Error {
  constructor(readonly errors: Array<{ path: string; message: string }>) {
    super(`invalid fault rules: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

/** The action a rule takes: as given, else `delay` for a rule with only a delay (no code or status), else `reply`. */
export function actionOf(rule: FaultRule): FaultAction {
  if (rule.action) return rule.action;
  return rule.code === undefined && rule.status === undefined && rule.delayMs !== undefined
    ? 'delay'
    : 'reply';
}

/** Checks a list of fault rules and throws FaultRuleError naming each bad field. */
export function validateRules(input: unknown): FaultRule[] {
  const errors: Array<{ path: string; message: string }> = [];
  if (!Array.isArray(input)) throw new FaultRuleError([{ path: '', message: 'expected an array of rules' }]);
  const rules = input.map((value, i): FaultRule => {
    const at = (key: string) => `[${i}]${key ? '.' + key : ''}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ path: at(''), message: 'expected an object' });
      return { stage: 'connect' };
    }
    const rule = value as Record<string, unknown>;
    for (const key of Object.keys(rule))
      if (!KEYS.has(key)) errors.push({ path: at(key), message: 'unknown field' });
    if (!FAULT_STAGES.includes(rule.stage as FaultStage)) {
      errors.push({ path: at('stage'), message: `expected one of ${FAULT_STAGES.join(', ')}` });
    }
    const check = (key: string, ok: (v: unknown) => boolean, message: string) => {
      if (rule[key] !== undefined && !ok(rule[key])) errors.push({ path: at(key), message });
    };
    const int = (v: unknown) => Number.isInteger(v);
    check('match', (v) => typeof v === 'string' && v.length > 0, 'expected a non-empty string');
    // The SES and OAuth token stages answer over HTTP: their code is an HTTP status.
    const http = ERROR_TYPE_STAGES.includes(rule.stage as FaultStage);
    const imap = IMAP_STAGES.includes(rule.stage as FaultStage);
    if (imap && rule.code !== undefined) {
      errors.push({ path: at('code'), message: 'IMAP replies have no code; use status NO or BAD' });
    }
    const report = rule.action === 'bounce' || rule.action === 'complain';
    if (report && !REPORT_STAGES.includes(rule.stage as FaultStage)) {
      errors.push({
        path: at('action'),
        message: `${rule.action} only at the stages that accept a message: ${REPORT_STAGES.join(', ')}`,
      });
    }
    if (rule.action === 'bounce') {
      check('kind', (v) => KINDS.includes(v as BounceKind), `expected one of ${KINDS.join(', ')}`);
      // A hard bounce is permanent (5.x.x, 5xx); soft and delayed ones are transient (4.x.x, 4xx).
      const kind = KINDS.includes(rule.kind as BounceKind) ? (rule.kind as BounceKind) : 'hard';
      const klass = kind === 'hard' ? 5 : 4;
      check(
        'status',
        (v) => typeof v === 'string' && new RegExp(`^${klass}\\.\\d{1,3}\\.\\d{1,3}$`).test(v),
        `expected an enhanced status code ${klass}.x.x for a ${kind} bounce, such as ${BOUNCE_DEFAULTS[kind].status}`,
      );
      check(
        'code',
        (v) => int(v) && Math.floor((v as number) / 100) === klass,
        `expected an SMTP code ${klass}00–${klass}99 for a ${kind} bounce`,
      );
    } else {
      check('status', (v) => v === 'NO' || v === 'BAD', 'expected NO or BAD');
      if (rule.status !== undefined && !imap) {
        errors.push({ path: at('status'), message: 'only for the IMAP stages and bounce rules' });
      }
      check(
        'code',
        (v) => int(v) && (v as number) >= 400 && (v as number) <= 599,
        http ? 'expected an HTTP error status 400–599' : 'expected an SMTP error code 400–599',
      );
      if (rule.kind !== undefined) errors.push({ path: at('kind'), message: 'only for action bounce' });
    }
    if (rule.action === 'complain') {
      check(
        'feedbackType',
        (v) => FEEDBACK_TYPES.includes(v as FeedbackType),
        `expected one of ${FEEDBACK_TYPES.join(', ')}`,
      );
      if (rule.code !== undefined) {
        errors.push({ path: at('code'), message: 'a complaint has no code; the message is accepted' });
      }
    } else if (rule.feedbackType !== undefined) {
      errors.push({ path: at('feedbackType'), message: 'only for action complain' });
    }
    if (report) {
      check(
        'text',
        (v) => typeof v === 'string' && v.length > 0 && v.length <= 500 && !/[\r\n]/.test(v),
        'expected a single-line string of at most 500 characters',
      );
      if (rule.message !== undefined) {
        errors.push({
          path: at('message'),
          message: `${rule.action} accepts the message with 250; the report's text is \`text\``,
        });
      }
    } else if (rule.text !== undefined) {
      errors.push({ path: at('text'), message: 'only for action bounce or complain' });
    }
    // The name travels in a header (x-amzn-ErrorType), so it stays a bare identifier.
    check(
      'errorType',
      (v) => typeof v === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,99}$/.test(v),
      'expected an error name such as AccountSuspendedException or invalid_grant',
    );
    if (rule.errorType !== undefined && !ERROR_TYPE_STAGES.includes(rule.stage as FaultStage)) {
      errors.push({ path: at('errorType'), message: 'only for the ses, ses-account and oauth-token stages' });
    }
    check('message', (v) => typeof v === 'string' && !/[\r\n]/.test(v), 'expected a single-line string');
    check('count', (v) => int(v) && (v as number) >= 1, 'expected a positive integer');
    check('probability', (v) => typeof v === 'number' && v >= 0 && v <= 1, 'expected a number from 0 to 1');
    check('delayMs', (v) => int(v) && (v as number) >= 0 && (v as number) <= 3_600_000, 'expected 0–3600000');
    check('action', (v) => ACTIONS.includes(v as FaultAction), `expected one of ${ACTIONS.join(', ')}`);
    if (typeof rule.match === 'string') {
      try {
        compileMatch(rule.match);
      } catch (error) {
        errors.push({ path: at('match'), message: (error as Error).message });
      }
    }
    return rule as unknown as FaultRule;
  });
  if (errors.length) throw new FaultRuleError(errors);
  return rules;
}

/** Compiles a `match` value: `/regex/flags`, or a case-insensitive glob with `*` and `?` matching the whole value. */
export function compileMatch(match: string): RegExp {
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(match);
  if (literal) return new RegExp(literal[1]!, literal[2]!.replace('g', ''));
  const source = match
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i');
}
