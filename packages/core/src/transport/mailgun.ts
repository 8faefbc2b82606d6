import type { Timeouts } from '../context';
import type { OutgoingParsed } from '../schemas/account';
import { classifyDeliveryError, deliveryError } from './classify';
import type { MailTransport, OutgoingMail, SendOutcome } from './types';

type MailgunSettings = Extract<OutgoingParsed, { transport: 'mailgun' }>;

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

/** Sends through Mailgun's HTTP API (`POST {baseUrl}/v3/{domain}/messages`, basic auth `api:<key>`). */
export function createMailgunTransport(s: MailgunSettings, timeouts: Timeouts): MailTransport {
  const url = `${s.baseUrl.replace(/\/+$/, '')}/v3/${encodeURIComponent(s.domain)}/messages`;
  const authorization = `Basic ${Buffer.from(`api:${s.apiKey ?? ''}`).toString('base64')}`;
  return {
    kind: 'mailgun',
    async send(mail): Promise<SendOutcome> {
      const all = (status: 'accepted' | 'rejected' | 'deferred', reply: string | null) =>
        mail.envelopeTo.map((address) => ({ address, status, reply }));
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { authorization },
          body: mailgunForm(mail),
          signal: AbortSignal.timeout(timeouts.connectMs + timeouts.commandMs),
        });
      } catch (err) {
        const cause = (err as { cause?: unknown }).cause ?? err;
        const error =
          (err as Error).name === 'TimeoutError'
            ? deliveryError('timeout', 'The Mailgun API did not answer in time', {
                temporary: true,
                accountLevel: true,
              })
            : classifyDeliveryError(cause);
        return { ok: false, error, recipients: all('deferred', null) };
      }
      const body = (await res.text()).slice(0, 2000);
      let text = body;
      try {
        const json = JSON.parse(body) as { message?: string; id?: string };
        text = [json.message, json.id].filter(Boolean).join(' ') || body;
      } catch {
        // Not JSON: keep the text as the reply.
      }
      const reply = `${res.status} ${text}`.trim();
      if (res.ok) return { ok: true, reply, responseCode: res.status, recipients: all('accepted', reply) };
      if (res.status === 401 || res.status === 403) {
        const error = deliveryError('auth', 'Mailgun refused the API key', {
          temporary: true,
          accountLevel: true,
          reply,
          responseCode: res.status,
          hint: 'Check the API key and the domain of the Mailgun account.',
        });
        return { ok: false, error, recipients: all('deferred', reply) };
      }
      const temporary = res.status === 429 || res.status >= 500;
      const error = deliveryError('rejected', `Mailgun refused the message (${res.status})`, {
        temporary,
        accountLevel: res.status >= 500,
        reply,
        responseCode: res.status,
      });
      return { ok: false, error, recipients: all(temporary ? 'deferred' : 'rejected', reply) };
    },
    close() {},
  };
}
