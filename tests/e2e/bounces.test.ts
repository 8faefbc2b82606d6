// After the 250, end to end on the quick start: the mock mail server bounces or complains about a message
// Mailroom sent with a VERP return path; "fetch now" on the bounce mailbox (POP3 on the mock) brings the
// report back; the recipient shows bounced / complained, the address lands on the suppression list, a
// signed webhook reaches a local receiver (checked with the standardwebhooks package), and the next send
// to the address is suppressed and says so. Soft bounces suppress only after three in a row.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession } from './support/api';
import { launch, screenshot, seriousViolations } from './support/browser';
import { adminPage, buildWeb, type Product, startProduct } from './support/product';

type Received = { type: string; data: Record<string, unknown>; id: string };
type Api = Awaited<ReturnType<typeof apiSession>>;

/** A webhook receiver on loopback that keeps only deliveries whose Standard Webhooks signature verifies. */
function startReceiver() {
  const verified: Received[] = [];
  const refused: string[] = [];
  let secret = '';
  let wake = () => {};
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += String(d);
    });
    req.on('end', () => {
      try {
        const payload = new Webhook(secret).verify(
          body,
          req.headers as IncomingHttpHeaders & Record<string, string>,
        ) as {
          type: string;
          data: Record<string, unknown>;
        };
        verified.push({ type: payload.type, data: payload.data, id: String(req.headers['webhook-id']) });
      } catch (e) {
        refused.push((e as Error).message);
      }
      res.writeHead(204).end();
      wake();
    });
  });
  return {
    verified,
    refused,
    setSecret: (s: string) => {
      secret = s;
    },
    listen: () =>
      new Promise<number>((ok) =>
        server.listen(0, '127.0.0.1', () => ok((server.address() as AddressInfo).port)),
      ),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
    /** Resolves with the first verified event matching, waiting at most `ms` for it. */
    waitFor(match: (r: Received) => boolean, ms = 60_000): Promise<Received> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching webhook; got ${JSON.stringify(verified.map((v) => v.type))}`)),
          ms,
        );
        const check = () => {
          const hit = verified.find(match);
          if (!hit) return;
          clearTimeout(timer);
          wake = () => {};
          resolve(hit);
        };
        wake = check;
        check();
      });
    },
  };
}

let product: Product;
let browser: Browser;
let page: Page;
let api: Api;
let senderId = '';
let bouncesId = '';
const receiver = startReceiver();

async function send(to: string) {
  return api('POST', '/messages', {
    accountId: senderId,
    to: [to],
    subject: `Newsletter to ${to}`,
    text: 'News',
  });
}
/**
 * "Fetch now" on the bounce mailbox until `done` holds (bounded). The poller fetches a new account's
 * mailbox once at once, so the first press may find its fetch running (409) or the report already taken.
 */
async function fetchBounces(done: () => Promise<boolean>) {
  for (let i = 0; i < 300; i += 1) {
    const r = await api('POST', `/accounts/${bouncesId}/fetch`);
    if (r.status !== 409) {
      expect(r.status).toBe(200);
      expect(r.body.error).toBeUndefined();
    }
    if (await done()) return;
  }
  throw new Error('the bounce mailbox never brought the report');
}
const stateIs = (id: string, status: string) => async () => (await recipientOf(id)).status === status;
async function recipientOf(id: string) {
  const r = await api('GET', `/messages/${id}`);
  return (r.body.recipients as Array<Record<string, unknown>>)[0]!;
}
async function suppressionOf(address: string) {
  const r = await api('GET', `/suppressions?q=${encodeURIComponent(address)}`);
  return (r.body.items as Array<Record<string, unknown>>)[0];
}

describe('bounces, complaints and the suppression list', () => {
  beforeAll(async () => {
    buildWeb();
    product = await startProduct();
    const pop3Port = product.pop3Port;
    api = await apiSession(product.url);
    const sender = await api('POST', '/accounts', {
      name: 'Newsletter',
      purpose: 'campaigns',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: product.smtpPort,
        security: 'none',
        from: { address: 'news@example.com', name: 'News' },
        sendMode: 'immediate',
        bounceAddress: 'bounces@example.com',
      },
    });
    expect(sender.status).toBe(201);
    senderId = String(sender.body.id);
    const bounces = await api('POST', '/accounts', {
      name: 'Bounce mailbox',
      incoming: {
        protocol: 'pop3',
        host: '127.0.0.1',
        port: pop3Port,
        security: 'none',
        auth: { method: 'password', username: 'bounces@example.com', password: 'any' },
        // Fetched on demand only: the test presses "fetch now".
        pollIntervalSec: 86400,
        afterFetch: 'delete',
        bounceMailbox: true,
      },
    });
    expect(bounces.status).toBe(201);
    bouncesId = String(bounces.body.id);
    const faults = await fetch(`${product.mockUrl}/api/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          stage: 'rcpt',
          match: 'dead@example.org',
          action: 'bounce',
          kind: 'hard',
          status: '5.1.1',
          code: 550,
          text: 'No such user here',
        },
        { stage: 'rcpt', match: 'angry@example.org', action: 'complain', feedbackType: 'abuse' },
        {
          stage: 'rcpt',
          match: 'full@example.org',
          action: 'bounce',
          kind: 'soft',
          status: '4.2.2',
          code: 452,
          text: 'Mailbox full',
        },
      ]),
    });
    expect(faults.status).toBe(200);
    const port = await receiver.listen();
    const hook = await api('POST', '/webhooks', {
      url: `http://127.0.0.1:${port}/hooks/mailroom`,
      description: 'e2e receiver',
      eventTypes: ['message.bounced', 'message.complained', 'message.suppressed'],
    });
    expect(hook.status).toBe(201);
    receiver.setSecret(String(hook.body.secret));
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    await receiver.close();
  });

  it('a hard bounce: bounced 5.1.1 with the text, suppressed, signed message.bounced, the next send suppressed', async () => {
    const sent = await send('dead@example.org');
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('sent');
    const id = String(sent.body.id);
    await fetchBounces(stateIs(id, 'bounced'));
    const r = await recipientOf(id);
    expect(r).toMatchObject({ status: 'bounced', bounceKind: 'hard', statusCode: '5.1.1' });
    expect(String(r.diagnostic)).toContain('No such user here');
    expect((r.events as unknown[])[0]).toMatchObject({ state: 'bounced', correlation: 'verp' });
    expect(await suppressionOf('dead@example.org')).toMatchObject({ reason: 'hard_bounce', messageId: id });
    const hook = await receiver.waitFor(
      (e) => e.type === 'message.bounced' && e.data.recipient === 'dead@example.org',
    );
    expect(hook.data).toMatchObject({ messageId: id, bounceKind: 'hard', status: '5.1.1', suppressed: true });
    const again = await send('dead@example.org');
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('all_recipients_suppressed');
    expect(String(again.body.detail)).toContain('suppression list');
    await receiver.waitFor(
      (e) => e.type === 'message.suppressed' && e.data.messageId === again.body.messageId,
    );
    expect(receiver.refused).toEqual([]);
  });

  it('a complaint: complained, suppressed, signed message.complained, the next send suppressed', async () => {
    const sent = await send('angry@example.org');
    expect(sent.body.status).toBe('sent');
    const id = String(sent.body.id);
    await fetchBounces(stateIs(id, 'complained'));
    expect(await suppressionOf('angry@example.org')).toMatchObject({ reason: 'complaint' });
    const hook = await receiver.waitFor((e) => e.type === 'message.complained' && e.data.messageId === id);
    expect(hook.data).toMatchObject({ recipient: 'angry@example.org', feedbackType: 'abuse' });
    expect((await send('angry@example.org')).body.code).toBe('all_recipients_suppressed');
  });

  it('soft bounces: bounced soft each time, suppressed only after the third in a row', async () => {
    for (let n = 1; n <= 3; n += 1) {
      const sent = await send('full@example.org');
      expect(sent.body.status).toBe('sent');
      await fetchBounces(stateIs(String(sent.body.id), 'bounced'));
      expect(await recipientOf(String(sent.body.id))).toMatchObject({
        status: 'bounced',
        bounceKind: 'soft',
        statusCode: '4.2.2',
      });
      const listed = await suppressionOf('full@example.org');
      if (n < 3) expect(listed).toBeUndefined();
      else expect(listed).toMatchObject({ reason: 'soft_bounce_limit' });
    }
    await receiver.waitFor(
      (e) =>
        e.type === 'message.bounced' && e.data.recipient === 'full@example.org' && e.data.suppressed === true,
    );
    expect((await send('full@example.org')).body.code).toBe('all_recipients_suppressed');
  });

  it('shows each recipient story in the outbox and the list on the Suppressions page', async () => {
    const mixed = await api('POST', '/messages', {
      accountId: senderId,
      to: ['dead@example.org', 'friend@example.org'],
      subject: 'Mixed outcome',
      text: 'News',
    });
    expect(mixed.body.status).toBe('partially_sent');
    const bounced = (await api('GET', '/suppressions?q=dead@example.org')).body.items as Array<{
      messageId: string;
    }>;
    browser = await launch();
    page = await adminPage(browser, product.url);

    await page.goto(`${product.url}/outbox/${bounced[0]!.messageId}`);
    const drawer = page.getByRole('dialog');
    await drawer.getByText('Bounced (hard, 5.1.1)').first().waitFor();
    await drawer.getByText('No such user here').first().waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, '40-outbox-bounced');
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${product.url}/outbox/${mixed.body.id}`);
    await page.getByRole('list', { name: 'Recipients' }).getByText('Suppressed (Hard bounce)').waitFor();
    await screenshot(page, '41-outbox-suppressed');

    await page.goto(`${product.url}/suppressions`);
    await page.getByRole('cell', { name: 'dead@example.org', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'full@example.org', exact: true }).waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, '42-suppressions');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Search address').fill('angry');
    await page.getByLabel('Search address').press('Enter');
    await page.getByRole('cell', { name: 'angry@example.org', exact: true }).waitFor();
    await expect
      .poll(() => page.getByRole('cell', { name: 'dead@example.org', exact: true }).count())
      .toBe(0);
    await page.getByRole('button', { name: 'Add address' }).click();
    await screenshot(page, '43-suppressions-add');
  });
});
