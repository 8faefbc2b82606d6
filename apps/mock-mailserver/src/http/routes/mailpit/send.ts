import type { ServerResponse } from 'node:http';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { HttpContext } from '../../context.js';
import { HttpError, json } from '../../respond.js';
import type { Router } from '../../router.js';
import { MailpitError, readJsonBody } from './common.js';

// Mailpit's send API: a JSON message is built into MIME and stored as if it had arrived, so
// it is listed, waited for and read like any other (`transport: 'mailpit'`).

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+$/;
const RESTRICTED = ['to', 'from', 'cc', 'bcc', 'reply-to', 'date', 'subject', 'content-type', 'mime-version'];

type Fields = Record<string, unknown>;

const asObject = (value: unknown, path: string): Fields => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MailpitError(400, `${path} must be an object`);
  }
  return value as Fields;
};

const asString = (value: unknown, path: string): string => {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new MailpitError(400, `${path} must be a string`);
  return value;
};

const asList = (value: unknown, path: string): unknown[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MailpitError(400, `${path} must be an array`);
  return value;
};

/** `{ Email, Name }` checked as Mailpit checks it; `label` names the field in its error. */
function mailbox(value: unknown, path: string, label: string): { name: string; address: string } {
  const fields = asObject(value, path);
  const address = asString(fields.Email, `${path}.Email`).trim();
  if (!ADDRESS.test(address)) throw new MailpitError(400, `invalid ${label} address: ${address}`);
  return { name: asString(fields.Name, `${path}.Name`), address };
}

interface Attachment {
  filename: string;
  content: Buffer;
  contentType?: string;
  cid?: string;
}

function attachment(value: unknown, i: number): Attachment {
  const path = `Attachments[${i}]`;
  const fields = asObject(value, path);
  const filename = asString(fields.Filename, `${path}.Filename`);
  // A browser's readAsDataURL() puts `data:<type>;base64,` first; Mailpit takes what follows the comma.
  const encoded = asString(fields.Content, `${path}.Content`).split(',').pop()!.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new MailpitError(400, `error decoding base64 attachment "${filename}": illegal base64 data`);
  }
  const contentType = asString(fields.ContentType, `${path}.ContentType`);
  const cid = asString(fields.ContentID, `${path}.ContentID`);
  return {
    filename,
    content: Buffer.from(encoded, 'base64'),
    ...(contentType ? { contentType } : {}),
    ...(cid ? { cid } : {}),
  };
}

function jsonError(res: ServerResponse, error: MailpitError): void {
  json(res, error.status, { Error: error.message });
}

/** `POST /api/v1/send`. */
export function mailpitSendRoutes(router: Router, ctx: HttpContext): void {
  router.on('POST', '/api/v1/send', async ({ req, res }) => {
    try {
      const body = asObject(await readJsonBody(req, ctx.maxMessageSize * 2), 'request body');
      const from = body.From === undefined ? null : mailbox(body.From, 'From', 'From');
      const to = asList(body.To, 'To').map((v, i) => mailbox(v, `To[${i}]`, 'To'));
      const cc = asList(body.Cc, 'Cc').map((v, i) => mailbox(v, `Cc[${i}]`, 'Cc'));
      const bcc = asList(body.Bcc, 'Bcc').map((v, i) => {
        const address = asString(v, `Bcc[${i}]`).trim();
        if (!ADDRESS.test(address)) throw new MailpitError(400, `invalid Bcc address: ${address}`);
        return address;
      });
      const replyTo = asList(body.ReplyTo, 'ReplyTo').map((v, i) => mailbox(v, `ReplyTo[${i}]`, 'Reply-To'));
      const subject = asString(body.Subject, 'Subject');
      const text = asString(body.Text, 'Text');
      const html = asString(body.HTML, 'HTML');
      const tags = asList(body.Tags, 'Tags').map((v, i) => asString(v, `Tags[${i}]`));
      const headers: Record<string, string> = {};
      const restricted = tags.length > 0 ? [...RESTRICTED, 'x-tags'] : RESTRICTED;
      for (const [name, value] of Object.entries(body.Headers ? asObject(body.Headers, 'Headers') : {})) {
        if (restricted.includes(name.toLowerCase())) {
          throw new MailpitError(400, `cannot overwrite header: "${name}"`);
        }
        headers[name] = asString(value, `Headers.${name}`);
      }
      if (tags.length > 0) headers['X-Tags'] = tags.join(', ');
      const attachments = asList(body.Attachments, 'Attachments').map(attachment);

      // The checks Mailpit's message builder makes, in its words.
      if (!from) throw new MailpitError(400, 'error building message: from not set');
      if (subject === '') throw new MailpitError(400, 'error building message: subject not set');
      if (to.length + cc.length + bcc.length === 0) {
        throw new MailpitError(400, 'error building message: no recipients (to, cc, bcc) set');
      }

      const raw = await new MailComposer({
        from,
        to,
        cc,
        bcc,
        replyTo,
        subject,
        text,
        ...(html ? { html } : {}),
        headers,
        attachments,
      })
        .compile()
        .build();
      if (raw.length > ctx.maxMessageSize) {
        throw new MailpitError(
          400,
          `message size ${raw.length} exceeds the limit of ${ctx.maxMessageSize} bytes`,
        );
      }
      const stored = await ctx.store.ingest({
        raw,
        transport: 'mailpit',
        envelope: {
          mailFrom: from.address,
          rcptTo: [...to.map((a) => a.address), ...cc.map((a) => a.address), ...bcc],
        },
        authUser: null,
        secure: false,
        remoteAddress: req.socket.remoteAddress ?? null,
      });
      json(res, 200, { ID: stored.id });
    } catch (error) {
      if (error instanceof MailpitError) return jsonError(res, error);
      if (error instanceof HttpError) return jsonError(res, new MailpitError(error.status, error.message));
      throw error;
    }
  });
}
