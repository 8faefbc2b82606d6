import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { safeEqual } from '../../credentials.js';
import type { HttpContext } from '../context.js';
import { HttpError, json, readBody } from '../respond.js';
import type { RouteRequest, Router } from '../router.js';

// Emulates the parts of the Mailgun API a sending transport uses: messages (form fields or
// MIME) and the domain lookup. Accepted messages go into the same store as SMTP mail.

function authorised(req: IncomingMessage, key: string | null): boolean {
  if (key === null) return true;
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match) return false;
  return safeEqual(Buffer.from(match[1]!, 'base64').toString('utf8'), `api:${key}`);
}

/** Mailgun answers 401 with a plain "Forbidden". */
function checkAuth({ req, res }: RouteRequest, ctx: HttpContext): boolean {
  if (authorised(req, ctx.mailgunApiKey)) return true;
  res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="MG API"' });
  res.end('Forbidden');
  return false;
}

async function readForm(req: IncomingMessage, limit: number): Promise<FormData> {
  const body = await readBody(req, limit);
  const contentType = req.headers['content-type'] ?? '';
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType)) {
    throw new HttpError(400, 'expected multipart/form-data or application/x-www-form-urlencoded');
  }
  try {
    return await new Request('http://mailgun.local/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch {
    throw new HttpError(400, 'malformed form body');
  }
}

const strings = (form: FormData, name: string) =>
  form.getAll(name).filter((v): v is string => typeof v === 'string');

/** Addresses of every value of a field, each value possibly a comma-separated list. */
function addressesOf(form: FormData, name: string): string[] {
  return strings(form, name).flatMap((value) =>
    addressparser(value, { flatten: true })
      .map((a) => a.address)
      .filter(Boolean),
  );
}

const mailgunError = (message: string) => new HttpError(400, message, { message });

async function files(form: FormData, name: string) {
  const out: Array<{ filename: string; content: Buffer; contentType: string; cid?: string }> = [];
  for (const value of form.getAll(name)) {
    if (typeof value === 'string') continue;
    out.push({
      filename: value.name,
      content: Buffer.from(await value.arrayBuffer()),
      contentType: value.type || 'application/octet-stream',
      ...(name === 'inline' ? { cid: value.name } : {}),
    });
  }
  return out;
}

export function mailgunRoutes(router: Router, ctx: HttpContext): void {
  async function accept(request: RouteRequest, mime: boolean): Promise<void> {
    if (!checkAuth(request, ctx)) return;
    const domain = request.params.domain!;
    const form = await readForm(request.req, ctx.maxMessageSize * 2);
    const rcptTo = [...addressesOf(form, 'to'), ...addressesOf(form, 'cc'), ...addressesOf(form, 'bcc')];
    if (rcptTo.length === 0) throw mailgunError("'to' parameter is missing");

    const id = `<${Date.now()}.${randomBytes(6).toString('hex')}@${domain}>`;
    const tags = strings(form, 'o:tag');
    const variables: Record<string, string> = {};
    const headers: Record<string, string> = {};
    for (const [name, value] of form.entries()) {
      if (typeof value !== 'string') continue;
      if (name.startsWith('h:')) headers[name.slice(2)] = value;
      if (name.startsWith('v:')) variables[name.slice(2)] = value;
    }

    let raw: Buffer;
    let mailFrom: string;
    if (mime) {
      const message = form.get('message');
      if (!message || typeof message === 'string') throw mailgunError("'message' parameter is missing");
      raw = Buffer.from(await message.arrayBuffer());
      const fromHeader = /^From:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(
        raw.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '',
      );
      mailFrom = addressparser(fromHeader?.[1] ?? '', { flatten: true })[0]?.address ?? '';
    } else {
      const from = strings(form, 'from')[0];
      if (!from) throw mailgunError("'from' parameter is missing");
      mailFrom = addressparser(from, { flatten: true })[0]?.address ?? '';
      if (tags.length) headers['X-Mailgun-Tag'] = tags.join(', ');
      if (Object.keys(variables).length) headers['X-Mailgun-Variables'] = JSON.stringify(variables);
      const composer = new MailComposer({
        from,
        to: strings(form, 'to').join(', '),
        cc: strings(form, 'cc').join(', ') || undefined,
        bcc: strings(form, 'bcc').join(', ') || undefined,
        subject: strings(form, 'subject')[0] ?? '',
        text: strings(form, 'text')[0],
        html: strings(form, 'html')[0],
        headers,
        messageId: id,
        attachments: [...(await files(form, 'attachment')), ...(await files(form, 'inline'))],
      });
      raw = await composer.compile().build();
    }

    const stored = await ctx.store.ingest({
      raw,
      transport: 'mailgun',
      envelope: { mailFrom, rcptTo },
      authUser: 'api',
      secure: false,
      remoteAddress: request.req.socket.remoteAddress ?? null,
      mailgun: { domain, tags, variables },
    });
    json(request.res, 200, { id: mime ? (stored.messageId ?? id) : id, message: 'Queued. Thank you.' });
  }

  for (const prefix of ['/mailgun/v3', '/v3']) {
    router.on('POST', `${prefix}/:domain/messages`, (request) => accept(request, false));
    router.on('POST', `${prefix}/:domain/messages.mime`, (request) => accept(request, true));
    router.on('GET', `${prefix}/domains/:domain`, (request) => {
      if (!checkAuth(request, ctx)) return;
      const name = request.params.domain!;
      json(request.res, 200, {
        domain: {
          name,
          state: 'active',
          type: 'custom',
          created_at: new Date(0).toUTCString(),
          smtp_login: `postmaster@${name}`,
          spam_action: 'disabled',
          wildcard: false,
          require_tls: false,
          skip_verification: false,
          is_disabled: false,
        },
        receiving_dns_records: [],
        sending_dns_records: [],
      });
    });
  }
}
