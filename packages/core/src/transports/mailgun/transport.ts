import type { Timeouts } from '../../context';
import type { Destination } from '../../door/destination';
import { type GuardedResponse, guardedRequest } from '../../door/http';
import { httpReplyFailure } from '../../failures/http';
import { unansweredAttemptError } from '../../transport/classify';
import type { MailTransport, OutgoingMail, SendOutcome } from '../../transport/types';
import { mailgunHints } from './connectionTest';
import type { MailgunSettings } from './settings';

const formatFrom = (f: OutgoingMail['from']) =>
  f.name ? `"${f.name.replace(/["\\]/g, '')}" <${f.address}>` : f.address;

/** The multipart body of Mailgun's messages API for one message. */
export function mailgunForm(mail: OutgoingMail): FormData {
  const form = new FormData();
  form.append('from', formatFrom(mail.from));
  // Mailgun has no separate envelope: on a retry only the recipients still pending are addressed.
  const pending = new Set(mail.envelopeTo.map((a) => a.toLowerCase()));
  const keep = (list: string[]) => list.filter((a) => pending.has(a.toLowerCase()));
  for (const a of keep(mail.to)) form.append('to', a);
  for (const a of keep(mail.cc)) form.append('cc', a);
  for (const a of keep(mail.bcc)) form.append('bcc', a);
  if (!form.has('to')) form.append('to', mail.envelopeTo[0] ?? '');
  form.append('subject', mail.subject);
  if (mail.text !== undefined) form.append('text', mail.text);
  if (mail.html !== undefined) form.append('html', mail.html);
  if (mail.replyTo) form.append('h:Reply-To', mail.replyTo);
  form.append('h:Message-Id', mail.messageId);
  for (const [name, value] of Object.entries(mail.headers)) form.append(`h:${name}`, value);
  for (const a of mail.attachments) {
    const bytes = Buffer.from(a.contentBase64, 'base64');
    form.append('attachment', new Blob([bytes], { type: a.contentType }), a.filename);
  }
  return form;
}

export type MailgunDoor = {
  /** The API host's addresses, checked by the guard when the transport was built: requests go only there. */
  destination: Destination;
  allowPrivateHosts: boolean;
};

/**
 * Sends through Mailgun's HTTP API (`POST {baseUrl}/v3/{domain}/messages`, basic auth `api:<key>`), through
 * the guarded door: the checked address only, and a redirect is a failure, never followed.
 */
export function createMailgunTransport(
  s: MailgunSettings,
  timeouts: Timeouts,
  door: MailgunDoor,
): MailTransport {
  const url = `${s.baseUrl.replace(/\/+$/, '')}/v3/${encodeURIComponent(s.domain)}/messages`;
  const authorization = `Basic ${Buffer.from(`api:${s.apiKey ?? ''}`).toString('base64')}`;
  return {
    kind: 'mailgun',
    async send(mail): Promise<SendOutcome> {
      const all = (status: 'accepted' | 'rejected' | 'deferred', reply: string | null) =>
        mail.envelopeTo.map((address) => ({ address, status, reply }));
      let res: GuardedResponse;
      try {
        // FormData serialized by the platform (boundary, file parts), sent as bytes through the door.
        const encoded = new Response(mailgunForm(mail));
        const body = new Uint8Array(await encoded.arrayBuffer());
        res = await guardedRequest(url, {
          method: 'POST',
          headers: {
            authorization,
            'content-type': encoded.headers.get('content-type') ?? 'multipart/form-data',
            accept: 'application/json',
          },
          body,
          timeoutMs: timeouts.connectMs + timeouts.commandMs,
          allowPrivateHosts: door.allowPrivateHosts,
          destination: door.destination,
        });
      } catch (err) {
        const error = unansweredAttemptError(err);
        return { ok: false, error, recipients: all('deferred', null) };
      }
      if (res.status >= 300 && res.status < 400) {
        // Where it points is not shown: a redirect is how an API host would send us somewhere internal.
        const error = httpReplyFailure({ service: 'Mailgun', status: res.status });
        return { ok: false, error, recipients: all('deferred', null) };
      }
      const body = res.body.slice(0, 2000);
      let text = body;
      try {
        const json = JSON.parse(body) as { message?: string; id?: string };
        text = [json.message, json.id].filter(Boolean).join(' ') || body;
      } catch {
        // Not JSON: keep the text as the reply.
      }
      const reply = `${res.status} ${text}`.trim();
      const ok = res.status >= 200 && res.status < 300;
      if (ok) return { ok: true, reply, responseCode: res.status, recipients: all('accepted', reply) };
      // Read as the connection test reads it (one table): a refused key waits, 429/5xx wait, other 4xx fail.
      const error = httpReplyFailure({
        service: 'Mailgun',
        status: res.status,
        what: 'the message',
        reply,
        hints: mailgunHints,
      });
      return { ok: false, error, recipients: all(error.temporary ? 'deferred' : 'rejected', reply) };
    },
    close() {},
  };
}
