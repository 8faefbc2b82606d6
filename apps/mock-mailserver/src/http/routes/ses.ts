import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { deliveredTo, type ReportTarget } from '../../faults/reports.js';
import type { FaultStage, SesMessageInfo } from '../../types.js';
import type { HttpContext } from '../context.js';
import { HttpError, json, readBody } from '../respond.js';
import type { RouteHandler, RouteRequest, Router } from '../router.js';
import { claimedIdentity, SigV4Error, type SigV4Identity, verifySigV4 } from '../sigv4.js';

// Emulates the parts of the Amazon SES v2 API a sending transport uses: SendEmail (raw MIME
// or simple content) and GetAccount (a connection test). Requests are checked for a SigV4
// signature when credentials are configured; errors come in SES's shape (status,
// `x-amzn-ErrorType`, `{ message }`), so an SDK raises the same exceptions it would against
// AWS. Accepted messages go into the same store as SMTP mail.

/** SES sends to at most this many recipients per message. */
const MAX_RECIPIENTS = 50;

/** The SES error name of an HTTP status, for fault rules that name none. */
const ERROR_TYPES: Record<number, string> = {
  400: 'MessageRejected',
  403: 'AccessDeniedException',
  404: 'NotFoundException',
  429: 'TooManyRequestsException',
  500: 'InternalFailure',
  503: 'ServiceUnavailable',
};

export function sesErrorType(status: number): string {
  return ERROR_TYPES[status] ?? (status < 500 ? 'BadRequestException' : 'InternalFailure');
}

/** An error answered in SES's shape. */
export class SesError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const badRequest = (message: string) => new SesError(400, 'BadRequestException', message);
const rejected = (message: string) => new SesError(400, 'MessageRejected', message);

function sesError(res: ServerResponse, requestId: string, error: SesError | SigV4Error): void {
  json(
    res,
    error.status,
    { message: error.message },
    { 'x-amzn-ErrorType': error.type, 'x-amzn-RequestId': requestId },
  );
}

// ---- reading the JSON body, naming the field at fault ----

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(parent: Json, key: string, path: string): Json | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw badRequest(`${path} must be an object`);
  return value;
}

function stringAt(parent: Json, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${path} must be a string`);
  return value;
}

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined || value === '') throw badRequest(`${path} is required`);
  return value;
}

function listAt(parent: Json, key: string, path: string): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`${path} must be a list`);
  return value;
}

/** A list of e-mail addresses (each possibly `Name <address>`), as their bare addresses. */
function addressesAt(parent: Json, key: string, path: string): string[] {
  return listAt(parent, key, path).map((value, i) => {
    const at = `${path}[${i}]`;
    if (typeof value !== 'string') throw badRequest(`${at} must be a string`);
    return addressOf(value, at);
  });
}

function addressOf(value: string, path: string): string {
  const parsed = addressparser(value, { flatten: true });
  const address = parsed.length === 1 ? parsed[0]!.address : undefined;
  if (!address?.includes('@')) throw badRequest(`${path} is not an e-mail address: ${JSON.stringify(value)}`);
  return address;
}

function base64At(parent: Json, key: string, path: string): Buffer {
  const value = required(stringAt(parent, key, path), path).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 === 1) {
    throw badRequest(`${path} must be base64-encoded`);
  }
  return Buffer.from(value, 'base64');
}

/** Each `{ Name, Value }` of a list, as [name, value]. */
function namedValues(parent: Json, key: string, path: string): Array<[string, string]> {
  return listAt(parent, key, path).map((entry, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(entry)) throw badRequest(`${at} must be an object`);
    return [
      required(stringAt(entry, 'Name', `${at}.Name`), `${at}.Name`),
      stringAt(entry, 'Value', `${at}.Value`) ?? '',
    ];
  });
}

// ---- the raw message's own headers ----

/** The unfolded header fields of a MIME message, lower-case names, every occurrence. */
function headerFields(raw: Buffer): Array<[string, string]> {
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const block = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const fields: Array<[string, string]> = [];
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

function headerAddresses(fields: Array<[string, string]>, names: string[]): string[] {
  return fields
    .filter(([name]) => names.includes(name))
    .flatMap(([, value]) => addressparser(value, { flatten: true }).map((a) => a.address))
    .filter((address): address is string => !!address);
}

/** `0100` + the time in hex + a UUID + `-000000`, the shape of an SES message id. */
function sesMessageId(): string {
  return `0100${Date.now().toString(16).padStart(12, '0')}-${randomUUID()}-000000`;
}

// ---- the routes ----

interface Accepted {
  raw: Buffer;
  mailFrom: string;
  rcptTo: string[];
  content: SesMessageInfo['content'];
}

export function sesRoutes(router: Router, ctx: HttpContext): void {
  /** Runs a handler with a request id, answering every failure in SES's shape. */
  const api =
    (handler: (request: RouteRequest, requestId: string) => Promise<void>): RouteHandler =>
    async (request) => {
      const requestId = randomUUID();
      try {
        await handler(request, requestId);
      } catch (error) {
        const { res, req } = request;
        if (res.headersSent || res.destroyed) return;
        if (error instanceof SesError || error instanceof SigV4Error) return sesError(res, requestId, error);
        if (error instanceof HttpError) {
          return sesError(
            res,
            requestId,
            new SesError(error.status, sesErrorType(error.status), error.message),
          );
        }
        ctx.log(`ses: ${req.method} ${req.url} failed: ${(error as Error).stack ?? error}`);
        sesError(res, requestId, new SesError(500, 'InternalFailure', 'internal error'));
      }
    };

  /** Reads the body and checks the signature; returns who signed (null when unsigned and unchecked). */
  async function authenticate({
    req,
  }: RouteRequest): Promise<{ body: Buffer; identity: SigV4Identity | null }> {
    // Base64 grows a message by a third; leave room for the JSON around it.
    const body = await readBody(req, Math.ceil(ctx.maxMessageSize * 1.5) + 64 * 1024);
    if (!ctx.sesCredentials) return { body, identity: claimedIdentity(req.headers.authorization) };
    const request = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      headersDistinct: req.headersDistinct,
      body,
    };
    return { body, identity: verifySigV4(request, ctx.sesCredentials, { service: 'ses', now: Date.now() }) };
  }

  /** Holds a request for a fault's delay; rejects when the client or the server goes away first. */
  function hold(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      // In `open`, so closing the server ends the wait instead of keeping the process alive.
      ctx.open.add(res);
      const settle = () => {
        ctx.open.delete(res);
        res.off('close', gone);
      };
      const timer = setTimeout(() => {
        settle();
        resolve();
      }, ms);
      const gone = () => {
        clearTimeout(timer);
        settle();
        reject(new Error('connection closed during a fault delay'));
      };
      res.once('close', gone);
    });
  }

  /**
   * Applies the first fault rule that fires for this call: an SES error, a dropped connection, a
   * delay, or the reports of a bounce or complain rule (empty when none fired).
   */
  async function faults(
    stage: FaultStage,
    targets: string[],
    { res }: RouteRequest,
    requestId: string,
  ): Promise<ReportTarget[] | 'dropped'> {
    const decision = ctx.faults.evaluate(stage, targets, requestId);
    if (!decision) return [];
    if (decision.delayMs > 0) await hold(decision.delayMs, res);
    // bounce and complain: accepted now, a report to the sender once the message is stored.
    const report = decision.report;
    if (report) return decision.matched.map((rcpt) => ({ rcpt, report }));
    if (decision.action === 'delay') return [];
    if (decision.action === 'drop') {
      res.destroy();
      return 'dropped';
    }
    throw new SesError(decision.code, decision.errorType ?? sesErrorType(decision.code), decision.message);
  }

  function parseJson(body: Buffer): Json {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('The request body is not valid JSON');
    }
    if (!isObject(value)) throw badRequest('The request body must be a JSON object');
    return value;
  }

  async function compose(input: Json, messageId: string): Promise<Accepted> {
    const content = required(objectAt(input, 'Content', 'Content'), 'Content');
    const fromField = stringAt(input, 'FromEmailAddress', 'FromEmailAddress');
    const fromAddress = fromField ? addressOf(fromField, 'FromEmailAddress') : undefined;
    const destination = objectAt(input, 'Destination', 'Destination') ?? {};
    const to = addressesAt(destination, 'ToAddresses', 'Destination.ToAddresses');
    const cc = addressesAt(destination, 'CcAddresses', 'Destination.CcAddresses');
    const bcc = addressesAt(destination, 'BccAddresses', 'Destination.BccAddresses');
    const replyTo = addressesAt(input, 'ReplyToAddresses', 'ReplyToAddresses');
    const kinds = ['Raw', 'Simple', 'Template'].filter(
      (k) => content[k] !== undefined && content[k] !== null,
    );
    if (kinds.length !== 1) throw badRequest('Content must have exactly one of Raw, Simple or Template');

    if (kinds[0] === 'Template')
      throw badRequest('Content.Template is not emulated; send Raw or Simple content');

    if (kinds[0] === 'Raw') {
      const rawContent = required(objectAt(content, 'Raw', 'Content.Raw'), 'Content.Raw');
      const raw = base64At(rawContent, 'Data', 'Content.Raw.Data');
      if (raw.length === 0) throw badRequest('Content.Raw.Data is required');
      if (raw.length > ctx.maxMessageSize)
        throw rejected(`Message length is more than ${ctx.maxMessageSize} bytes`);
      const fields = headerFields(raw);
      const headerFrom = headerAddresses(fields, ['from'])[0];
      if (!headerFrom) throw rejected("Missing required header 'From'.");
      const listed = [...to, ...cc, ...bcc];
      // Without a Destination SES sends to the message's own To, Cc and Bcc.
      const rcptTo = listed.length ? listed : headerAddresses(fields, ['to', 'cc', 'bcc']);
      if (rcptTo.length === 0)
        throw rejected('Missing final destination: no Destination and no To, Cc or Bcc header.');
      return { raw, mailFrom: fromAddress ?? headerFrom, rcptTo, content: 'raw' };
    }

    const simple = required(objectAt(content, 'Simple', 'Content.Simple'), 'Content.Simple');
    const from = required(fromField, 'FromEmailAddress');
    if (to.length + cc.length + bcc.length === 0) {
      throw badRequest('Destination must list at least one of ToAddresses, CcAddresses or BccAddresses');
    }
    const subject = required(objectAt(simple, 'Subject', 'Content.Simple.Subject'), 'Content.Simple.Subject');
    const body = required(objectAt(simple, 'Body', 'Content.Simple.Body'), 'Content.Simple.Body');
    const text = objectAt(body, 'Text', 'Content.Simple.Body.Text');
    const html = objectAt(body, 'Html', 'Content.Simple.Body.Html');
    if (!text && !html) throw badRequest('Content.Simple.Body must have Text or Html');
    const attachments = listAt(simple, 'Attachments', 'Content.Simple.Attachments').map((entry, i) => {
      const at = `Content.Simple.Attachments[${i}]`;
      if (!isObject(entry)) throw badRequest(`${at} must be an object`);
      const contentId = stringAt(entry, 'ContentId', `${at}.ContentId`);
      const disposition = stringAt(entry, 'ContentDisposition', `${at}.ContentDisposition`);
      return {
        filename: required(stringAt(entry, 'FileName', `${at}.FileName`), `${at}.FileName`),
        content: base64At(entry, 'RawContent', `${at}.RawContent`),
        contentType: stringAt(entry, 'ContentType', `${at}.ContentType`) ?? 'application/octet-stream',
        contentDisposition:
          disposition?.toUpperCase() === 'INLINE' ? ('inline' as const) : ('attachment' as const),
        ...(contentId ? { cid: contentId.replace(/^<|>$/g, '') } : {}),
      };
    });
    const raw = await new MailComposer({
      from,
      to: to.join(', ') || undefined,
      cc: cc.join(', ') || undefined,
      bcc: bcc.join(', ') || undefined,
      replyTo: replyTo.join(', ') || undefined,
      subject: required(
        stringAt(subject, 'Data', 'Content.Simple.Subject.Data'),
        'Content.Simple.Subject.Data',
      ),
      text: text
        ? required(stringAt(text, 'Data', 'Content.Simple.Body.Text.Data'), 'Content.Simple.Body.Text.Data')
        : undefined,
      html: html
        ? required(stringAt(html, 'Data', 'Content.Simple.Body.Html.Data'), 'Content.Simple.Body.Html.Data')
        : undefined,
      headers: namedValues(simple, 'Headers', 'Content.Simple.Headers').map(([key, value]) => ({
        key,
        value,
      })),
      // SES gives the message its own Message-ID under its domain.
      messageId: `<${messageId}@email.amazonses.com>`,
      attachments,
    })
      .compile()
      .build();
    return {
      raw,
      mailFrom: addressOf(from, 'FromEmailAddress'),
      rcptTo: [...to, ...cc, ...bcc],
      content: 'simple',
    };
  }

  const sendEmail = api(async (request, requestId) => {
    const { body, identity } = await authenticate(request);
    const input = parseJson(body);
    const messageId = sesMessageId();
    const accepted = await compose(input, messageId);
    if (accepted.rcptTo.length > MAX_RECIPIENTS) throw rejected(`Recipient count exceeds ${MAX_RECIPIENTS}.`);
    const configurationSetName = stringAt(input, 'ConfigurationSetName', 'ConfigurationSetName') ?? null;
    const tags = Object.fromEntries(namedValues(input, 'EmailTags', 'EmailTags'));

    const reports = await faults('ses', accepted.rcptTo, request, requestId);
    if (reports === 'dropped') return;
    const rcptTo = deliveredTo(accepted.rcptTo, reports);
    const remoteAddress = request.req.socket.remoteAddress ?? null;
    if (rcptTo.length) {
      await ctx.store.ingest({
        raw: accepted.raw,
        transport: 'ses',
        envelope: { mailFrom: accepted.mailFrom, rcptTo },
        authUser: identity?.accessKeyId ?? null,
        secure: false,
        remoteAddress,
        ses: {
          messageId,
          content: accepted.content,
          region: identity?.region ?? null,
          configurationSetName,
          tags,
        },
      });
    }
    await ctx.reports.send(
      {
        raw: accepted.raw,
        mailFrom: accepted.mailFrom,
        transport: 'ses',
        remoteAddress,
        arrival: new Date(),
      },
      reports,
    );
    json(request.res, 200, { MessageId: messageId }, { 'x-amzn-RequestId': requestId });
  });

  const getAccount = api(async (request, requestId) => {
    const { identity } = await authenticate(request);
    const key = identity?.accessKeyId;
    if ((await faults('ses-account', key ? [key] : [], request, requestId)) === 'dropped') return;
    const since = Date.now() - 24 * 3600_000;
    const sentLast24Hours = ctx.store
      .query()
      .filter((m) => m.transport === 'ses' && Date.parse(m.receivedAt) >= since).length;
    json(
      request.res,
      200,
      {
        DedicatedIpAutoWarmupEnabled: false,
        EnforcementStatus: 'HEALTHY',
        ProductionAccessEnabled: true,
        SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: sentLast24Hours },
        SendingEnabled: true,
      },
      { 'x-amzn-RequestId': requestId },
    );
  });

  // An SES client's endpoint can be `httpUrl/ses` or `httpUrl` itself.
  for (const prefix of ['/ses/v2', '/v2']) {
    router.on('POST', `${prefix}/email/outbound-emails`, sendEmail);
    router.on('GET', `${prefix}/email/account`, getAccount);
  }
}
