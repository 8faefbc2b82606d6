import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Timeouts } from '../../context';
import { nodemailerDkim } from '../../dkim/settings';
import type { Destination } from '../../door/destination';
import { type GuardedResponse, guardedRequest } from '../../door/http';
import { unansweredAttemptError } from '../../transport/classify';
import { toNodemailer } from '../../transport/compose';
import type { MailTransport, OutgoingMail, SendOutcome } from '../../transport/types';
import { sesErrorOf, sesFailure } from './failure';
import { type SesSettings, sesEndpoint } from './settings';
import { signSesRequest } from './sign';

/**
 * The message as MIME, built by nodemailer's composer from the same options as an SMTP send (headers,
 * Message-ID, attachments), so a message reads the same whichever way it left. Opens no socket.
 */
export async function sesRawMessage(
  mail: OutgoingMail,
  dkim?: ReturnType<typeof nodemailerDkim>,
): Promise<Buffer> {
  const raw = await new MailComposer(toNodemailer(mail)).compile().build();
  if (!dkim) return raw;
  // The account's own DKIM signature, beside the one SES adds with its Easy DKIM key.
  const chunks: Buffer[] = [];
  for await (const chunk of new DKIM(dkim).sign(raw)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The SendEmail request body (SES API v2): the raw MIME, the envelope, the configuration set. */
export async function sesSendEmailBody(
  mail: OutgoingMail,
  s: Pick<SesSettings, 'configurationSetName' | 'dkim'>,
) {
  const raw = await sesRawMessage(mail, nodemailerDkim(s));
  return JSON.stringify({
    FromEmailAddress: mail.from.address,
    // The envelope of this attempt: recipients accepted by an earlier attempt are left out.
    Destination: { ToAddresses: mail.envelopeTo },
    Content: { Raw: { Data: raw.toString('base64') } },
    ...(s.configurationSetName ? { ConfigurationSetName: s.configurationSetName } : {}),
    // SES sends from its own MAIL FROM domain; the VERP return path is where it forwards bounces and complaints.
    ...(mail.envelopeFrom ? { FeedbackForwardingEmailAddress: mail.envelopeFrom } : {}),
  });
}

export type SesDoor = {
  /** The endpoint host's addresses, checked by the guard when the transport was built: requests go only there. */
  destination: Destination;
  allowPrivateHosts: boolean;
};

/**
 * Sends through Amazon SES's API v2 (`POST {endpoint}/v2/email/outbound-emails`, raw MIME, signed with
 * SigV4) through the guarded door: the checked address only, and a redirect is a failure, never followed.
 * Each attempt's signature is handed back as `learned`, so nothing recorded can carry it.
 */
export function createSesTransport(s: SesSettings, timeouts: Timeouts, door: SesDoor): MailTransport {
  const url = new URL(`${sesEndpoint(s)}/v2/email/outbound-emails`);
  const creds = { region: s.region, accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey ?? '' };
  return {
    kind: 'ses',
    async send(mail): Promise<SendOutcome> {
      const all = (status: 'accepted' | 'rejected' | 'deferred', reply: string | null) =>
        mail.envelopeTo.map((address) => ({ address, status, reply }));
      let res: GuardedResponse;
      let learned: string[] = [];
      try {
        const body = await sesSendEmailBody(mail, s);
        const signed = signSesRequest(url, { method: 'POST', body }, creds);
        learned = [signed.signature, signed.headers.Authorization ?? ''].filter(Boolean);
        res = await guardedRequest(url.toString(), {
          method: 'POST',
          headers: signed.headers,
          body,
          timeoutMs: timeouts.connectMs + timeouts.commandMs,
          allowPrivateHosts: door.allowPrivateHosts,
          destination: door.destination,
        });
      } catch (err) {
        const error = unansweredAttemptError(err);
        return { ok: false, error, recipients: all('deferred', null), learned };
      }
      if (res.status >= 200 && res.status < 300) {
        let id = '';
        try {
          const parsed: unknown = JSON.parse(res.body);
          if (parsed && typeof parsed === 'object' && 'MessageId' in parsed) id = String(parsed.MessageId);
        } catch {
          // A 2xx without JSON is still an acceptance; the reply says what came.
        }
        const reply = `${res.status} ${id || res.body.slice(0, 200)}`.trim();
        return { ok: true, reply, responseCode: res.status, recipients: all('accepted', reply), learned };
      }
      // A redirect's target is not shown: it is how an API host would send us somewhere internal.
      const error =
        res.status >= 300 && res.status < 400
          ? sesFailure({ status: res.status, type: '', message: '' })
          : sesFailure(sesErrorOf(res));
      const status = error.temporary ? 'deferred' : 'rejected';
      return { ok: false, error, recipients: all(status, error.reply ?? null), learned };
    },
    close() {},
  };
}
