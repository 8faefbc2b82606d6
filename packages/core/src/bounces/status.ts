import { DIAGNOSTIC_STATUS, STATUS_KIND } from './rules';
import type { RecipientReport } from './types';

// Not part of an IP address or a version number: 1.2.3.4 holds no status 2.3.4, and RFC 3463
// defines subjects 0 to 7 only, so Exim 4.97.1 is a version.
const ENHANCED = /(?<![\d.])([245])\.([0-7])\.(\d{1,3})(?!\.?\d)/;
const BASIC = /(?:^|[\s:'"(#[])([45])[0-5]\d(?=[\s-]|$)/;

/** The enhanced status code a text holds, else its SMTP reply code as `X.0.0`; null for neither. */
export function statusInText(text: string | null): string | null {
  if (!text) return null;
  const e = ENHANCED.exec(text);
  if (e) return `${e[1]}.${e[2]}.${e[3]}`;
  const b = BASIC.exec(text);
  return b ? `${b[1]}.0.0` : null;
}

/** A valid enhanced status from a DSN Status field (`5.1.1 (user unknown)` → `5.1.1`). */
export function statusField(value: string | null): string | null {
  const m = value && /^\s*([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(value);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : null;
}

/**
 * The most precise status: the given one, else the diagnostic's code; a vague one (X.0.0) is made
 * precise by the diagnostic's code of the same class, then by its words (DIAGNOSTIC_STATUS).
 */
export function refineStatus(
  given: string | null,
  diagnostic: string | null,
  fallback: string | null,
): string | null {
  let status = given ?? statusInText(diagnostic) ?? fallback;
  if (status && /^\d\.0\.0$/.test(status) && diagnostic) {
    const inText = statusInText(diagnostic);
    if (inText && inText[0] === status[0] && !inText.endsWith('.0.0')) return inText;
    const rule = DIAGNOSTIC_STATUS.find((r) => r.text.test(diagnostic));
    if (rule) status = `${status[0]}.${rule.detail}`;
  }
  return status;
}

/** hard / soft / delayed / delivered from the DSN action and the status (STATUS_KIND). */
export function kindOf(action: RecipientReport['action'], status: string | null): RecipientReport['kind'] {
  if (action === 'delayed') return 'delayed';
  if (action !== 'failed') return 'delivered';
  if (!status) return 'hard';
  return STATUS_KIND.find((r) => r.status.test(status))?.kind ?? 'hard';
}

export function normaliseAction(value: string | null): RecipientReport['action'] | null {
  const a = value
    ?.trim()
    .toLowerCase()
    .split(/[\s(;]/)[0];
  return a === 'failed' || a === 'delayed' || a === 'delivered' || a === 'relayed' || a === 'expanded'
    ? a
    : null;
}
