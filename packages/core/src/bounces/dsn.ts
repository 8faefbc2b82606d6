import { cleanAddress, field, parseFieldGroups, typedValue } from './fields';
import { kindOf, normaliseAction, refineStatus, statusField } from './status';
import type { RecipientReport } from './types';

export type DeliveryStatus = {
  reportingMta: string | null;
  arrivalDate: string | null;
  recipients: RecipientReport[];
};

/**
 * Reads a message/delivery-status body (RFC 3464 §2): the per-message fields, then one group per
 * recipient. Tolerates what real servers write: CRLF or LF, folded Diagnostic-Code, a Status with a
 * comment, a missing Action (then the status class decides), and no blank line after the first group.
 */
export function parseDeliveryStatus(text: string): DeliveryStatus {
  const groups = parseFieldGroups(text);
  const perMessage = groups.find((g) => g.has('reporting-mta') || g.has('arrival-date')) ?? groups[0];
  const recipients: RecipientReport[] = [];
  for (const g of groups) {
    const address = cleanAddress(typedValue(field(g, 'final-recipient') ?? field(g, 'original-recipient')));
    if (!address) continue;
    const diagnostic = typedValue(field(g, 'diagnostic-code'));
    const given = statusField(field(g, 'status'));
    const action = normaliseAction(field(g, 'action')) ?? (given?.startsWith('2') ? 'delivered' : 'failed');
    const status = refineStatus(given, diagnostic, action === 'delayed' ? '4.0.0' : null);
    recipients.push({
      address,
      action,
      status,
      kind: kindOf(action, status),
      diagnostic,
      remoteMta: typedValue(field(g, 'remote-mta'))?.split(/\s/)[0]?.replace(/\.+$/, '') ?? null,
      originalRecipient: cleanAddress(typedValue(field(g, 'original-recipient'))),
    });
  }
  return {
    reportingMta: typedValue(field(perMessage, 'reporting-mta')),
    arrivalDate: field(perMessage, 'arrival-date'),
    recipients,
  };
}
