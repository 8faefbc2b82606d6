import { cleanAddress } from './fields';
import { REMOTE_MTA, TEXT_BOUNCE_RULES, type TextBounceRule } from './rules';
import { kindOf, refineStatus } from './status';
import type { RecipientReport } from './types';

export type TextBounce = { rule: TextBounceRule; reportingMta: string | null; recipients: RecipientReport[] };

export type TextInput = { subject: string; from: string; text: string; failedRecipients: string[] };

function sectionOf(text: string, section: TextBounceRule['section']): string {
  let out = text;
  if (section?.start) {
    const m = section.start.exec(out);
    if (m) out = out.slice(m.index + m[0].length);
  }
  if (section?.end) {
    const m = section.end.exec(out);
    if (m) out = out.slice(0, m.index);
  }
  return out;
}

// The returned message's own headers start here: nothing below is a recipient's diagnostic.
const QUOTED_HEADER =
  /^(?:Message-ID|Received|Return-Path|From|To|Subject|Date|MIME-Version|Content-Type):\s/i;

function recipientsOf(rule: TextBounceRule, text: string): Array<{ address: string; diagnostic: string[] }> {
  // By address, in the order first named: a text may name a recipient twice (summary, then details).
  const found = new Map<string, { address: string; diagnostic: string[] }>();
  let current: { address: string; diagnostic: string[] } | null = null;
  // With a diagnostic shared by all recipients (Gmail), the lines after an address are prose.
  const ownDiagnostic = !rule.sharedDiagnostic;
  for (const line of sectionOf(text, rule.section).split(/\r?\n/)) {
    if (QUOTED_HEADER.test(line)) break;
    const m = rule.recipientLine.exec(line);
    const address = m ? cleanAddress(m[1] ?? m[2] ?? null) : null;
    if (m && address) {
      const inline = m[1] !== undefined ? m[2] : undefined;
      current = found.get(address) ?? null;
      if (!current) {
        current = { address, diagnostic: [] };
        found.set(address, current);
      }
      if (inline?.trim()) current.diagnostic.push(inline.trim());
    } else if (line.trim() === '') {
      if (current && current.diagnostic.length > 0) current = null;
    } else if (current && ownDiagnostic) {
      current.diagnostic.push(line.trim());
    }
  }
  return [...found.values()];
}

function remoteMtaIn(diagnostic: string | null): string | null {
  if (!diagnostic) return null;
  for (const re of REMOTE_MTA) {
    const m = re.exec(diagnostic);
    if (m?.[1]) return m[1].toLowerCase();
  }
  return null;
}

function matches(rule: TextBounceRule, input: TextInput): boolean {
  const { subject, from, body } = rule.when;
  return (
    (!subject || subject.test(input.subject)) &&
    (!from || from.test(input.from)) &&
    (!body || body.test(input.text))
  );
}

/** The first TEXT_BOUNCE_RULES row that matches, and the recipients it reads out of the text. */
export function readTextBounce(input: TextInput): TextBounce | null {
  const rule = TEXT_BOUNCE_RULES.find((r) => matches(r, input));
  if (!rule) return null;
  const shared = rule.sharedDiagnostic?.exec(input.text)?.[1]?.trim() ?? null;
  let listed = recipientsOf(rule, input.text);
  if (listed.length === 0 && input.failedRecipients.length > 0)
    listed = input.failedRecipients.map((address) => ({ address, diagnostic: [] }));
  const recipients = listed.map((r): RecipientReport => {
    const diagnostic = r.diagnostic.length > 0 ? r.diagnostic.join(' ').replace(/\s+/g, ' ') : shared;
    const status = refineStatus(null, diagnostic, rule.defaultStatus);
    return {
      address: r.address,
      action: rule.action,
      status,
      kind: kindOf(rule.action, status),
      diagnostic,
      remoteMta: remoteMtaIn(diagnostic) ?? (shared ? remoteMtaIn(input.text) : null),
    };
  });
  const m = rule.reportingMta?.exec(input.text);
  const reportingMta = m?.slice(1).find(Boolean)?.replace(/\.+$/, '') ?? null;
  return { rule, reportingMta, recipients };
}
