import { isIP } from 'node:net';
import { httpUrlProblem } from '../door/httpUrl';
import { blockReason } from '../door/ranges';
import type { FieldError } from '../errors';
import { MailroomError } from '../errors';

/**
 * Refuses a receiver URL Mailroom would never post to: not https (plain http only to loopback where private
 * hosts are allowed), credentials in it, or an address literal in a private or metadata range. Names are
 * checked again at every delivery by the door (they may resolve elsewhere later).
 */
export function assertWebhookUrl(url: string, allowPrivateHosts: boolean, path = 'url'): void {
  const problem = httpUrlProblem(url, allowPrivateHosts);
  const errors: FieldError[] = [];
  if (problem) errors.push({ path, message: problem });
  else {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const reason = blockReason(host);
      if (reason && (!allowPrivateHosts || reason === 'metadata')) {
        errors.push({ path, message: `must not point to a ${reason} address` });
      }
    }
  }
  if (errors.length > 0) {
    throw new MailroomError('validation_failed', `${path}: ${errors[0]?.message}`, { errors });
  }
}
