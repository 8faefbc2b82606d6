import type { EventLog } from '../events.js';
import type { FaultAction, FaultRule, FaultRuleState, FaultStage, FiredFault } from '../types.js';
import {
  actionOf,
  compileMatch,
  DEFAULT_REPLY,
  type FaultReport,
  IMAP_STAGES,
  reportOf,
  validateRules,
} from './rules.js';

/** What a protocol front end must do when a rule fires. */
export interface FaultDecision {
  action: FaultAction;
  code: number;
  message: string;
  /** The SES error name a rule of an SES stage names, null when it names none. */
  errorType: string | null;
  /** IMAP stages: the status to answer with (`BYE` at imap-connect). */
  status: 'NO' | 'BAD' | 'BYE';
  delayMs: number;
  /** `bounce` and `complain`: what goes to the envelope sender. */
  report: FaultReport | null;
  /** The targets the rule's `match` accepts (all of them without one): who bounces or complains. */
  matched: string[];
}

interface ActiveRule {
  rule: FaultRule;
  matcher: RegExp | null;
  fired: number;
}

const FIRED_LOG_SIZE = 1000;
const SEED = 0x6d6f636b; // fixed, so the same traffic fires the same probabilistic rules

/** mulberry32: a tiny seeded generator, so rules with a probability repeat from run to run. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How the fired log tells a report: `5.1.1 text` for a bounce, `abuse: text` for a complaint. */
const reportSummary = (report: FaultReport) =>
  report.action === 'bounce' ? `${report.status} ${report.text}` : `${report.feedbackType}: ${report.text}`;

/** The fault rules in force and the log of their firings. */
export class FaultEngine {
  private rules: ActiveRule[] = [];
  private log: FiredFault[] = [];
  private random = generator(SEED);

  constructor(
    private readonly events: EventLog | null = null,
    private readonly logLine: (line: string) => void = () => {},
  ) {}

  /** Replaces the rules (validated; throws FaultRuleError) and restarts the probability generator. */
  set(rules: FaultRule[]): FaultRuleState[] {
    this.rules = validateRules(rules).map((rule) => ({
      rule,
      matcher: rule.match ? compileMatch(rule.match) : null,
      fired: 0,
    }));
    this.random = generator(SEED);
    return this.list();
  }

  /** Adds one rule at the end (validated; throws FaultRuleError); the others keep their firing counts. */
  add(rule: FaultRule): FaultRuleState[] {
    const [valid] = validateRules([rule]);
    if (valid)
      this.rules.push({ rule: valid, matcher: valid.match ? compileMatch(valid.match) : null, fired: 0 });
    return this.list();
  }

  /** Removes the rule at `index` (the rules after it move up one); false when there is none. */
  remove(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.rules.length) return false;
    this.rules.splice(index, 1);
    return true;
  }

  /** Removes every rule and forgets the firings. */
  clear(): void {
    this.rules = [];
    this.log = [];
    this.random = generator(SEED);
  }

  list(): FaultRuleState[] {
    return this.rules.map(({ rule, fired }, index) => ({
      ...rule,
      index,
      firedCount: fired,
      remaining: rule.count === undefined ? null : rule.count - fired,
    }));
  }

  /** Every firing since the rules were last cleared, oldest first (the last 1000). */
  fired(): FiredFault[] {
    return [...this.log];
  }

  /**
   * The decision of the first live rule for this stage whose `match` accepts one of the
   * targets, or null. A firing counts against the rule's `count` and is logged.
   */
  evaluate(stage: FaultStage, targets: string | string[] | null, sessionId: string): FaultDecision | null {
    if (this.rules.length === 0) return null;
    const list = targets === null ? [] : Array.isArray(targets) ? targets : [targets];
    for (let index = 0; index < this.rules.length; index++) {
      const active = this.rules[index]!;
      const { rule, matcher } = active;
      if (rule.stage !== stage) continue;
      if (rule.count !== undefined && active.fired >= rule.count) continue;
      const target = matcher ? list.find((t) => matcher.test(t)) : (list[0] ?? null);
      if (matcher && target === undefined) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      active.fired++;
      const fallback = DEFAULT_REPLY[stage];
      const decision: FaultDecision = {
        action: actionOf(rule),
        code: rule.code ?? fallback.code,
        message: rule.message ?? fallback.message,
        errorType: rule.errorType ?? null,
        status: stage === 'imap-connect' ? 'BYE' : rule.status === 'BAD' ? 'BAD' : 'NO',
        delayMs: rule.delayMs ?? 0,
        report: reportOf(rule),
        matched: matcher ? list.filter((t) => matcher.test(t)) : list,
      };
      const imap = IMAP_STAGES.includes(stage);
      const reply = decision.action === 'reply';
      const report = decision.report;
      const entry: FiredFault = {
        at: new Date().toISOString(),
        ruleIndex: index,
        stage,
        action: decision.action,
        code: reply && !imap ? decision.code : report?.action === 'bounce' ? report.code : null,
        ...(reply && imap ? { status: decision.status } : {}),
        message: reply ? decision.message : report ? reportSummary(report) : null,
        delayMs: decision.delayMs,
        target: target ?? null,
        sessionId,
      };
      this.log.push(entry);
      if (this.log.length > FIRED_LOG_SIZE) this.log.shift();
      this.events?.publish('fault', entry);
      this.logLine(
        `fault: rule ${index} fired at ${stage} (${decision.action}${entry.code ? ' ' + entry.code : ''}${entry.status ? ' ' + entry.status : ''}) for ${target ?? '-'}`,
      );
      return decision;
    }
    return null;
  }
}
