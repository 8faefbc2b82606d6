// Partial delivery is its own state through the API: an immediate send one recipient refuses (550) and
// another accepts (250) answers 200 `partially_sent`, is found by that status and not by `sent`, and is
// counted apart by the delivery report, its CSV and /metrics.
import { deliveryReportSchema, listOf, messageViewSchema } from '@mailroom/core';
import { type MockMailServer, startMockMailServer } from '@mailroom/mock-mailserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../../testing';

describe('partially sent messages through the API', () => {
  let t: TestApp;
  let mock: MockMailServer;
  let accountId: string;
  let partialId: string;
  beforeAll(async () => {
    t = await createTestApp();
    mock = await startMockMailServer({ smtpPort: 0, smtpsPort: false, pop3Port: false, httpPort: 0 });
    mock.faults.set([{ stage: 'rcpt', match: 'nobody@*', code: 550, message: 'No such user' }]);
    const res = await t.call('POST', '/api/v1/accounts', {
      name: 'Partial outbound',
      outgoing: {
        transport: 'smtp',
        host: '127.0.0.1',
        port: mock.smtpPort,
        security: 'none',
        from: { address: 'sales@example.com' },
        sendMode: 'immediate',
      },
    });
    expect(res.status).toBe(201);
    accountId = (await json(res)).id;
    // One message every recipient accepts, for the report to tell the two apart.
    const ok = await t.call('POST', '/api/v1/messages', {
      accountId,
      to: ['ok1@example.org'],
      subject: 'All accepted',
      text: 'Hi',
    });
    expect((await json(ok)).status).toBe('sent');
  });
  afterAll(async () => {
    await mock?.close();
    await t?.close();
  });

  it('answers an immediate send one recipient refused with 200 partially_sent, naming the refusal', async () => {
    const res = await t.call('POST', '/api/v1/messages', {
      accountId,
      to: ['nobody@example.org', 'ok1@example.org'],
      subject: 'Half delivered',
      text: 'Hi',
    });
    expect(res.status).toBe(200);
    const m = messageViewSchema.parse(await res.json());
    partialId = m.id;
    expect(m.status).toBe('partially_sent');
    expect(m.sentAt).not.toBeNull();
    expect(m.lastError).toMatchObject({ code: 'rejected', responseCode: 550 });
    expect(m.lastError?.message).toBe(
      '1 of 2 recipients refused (nobody@example.org); the others accepted it',
    );
    expect(m.recipients.map((r) => [r.address, r.status])).toEqual([
      ['nobody@example.org', 'rejected'],
      ['ok1@example.org', 'accepted'],
    ]);
  });

  it('filters by partially_sent, and leaves it out of sent', async () => {
    const list = (status: string) =>
      json(t.call('GET', `/api/v1/messages?status=${status}`)).then((b) =>
        listOf(messageViewSchema).parse(b),
      );
    expect((await list('partially_sent')).items.map((m) => m.subject)).toEqual(['Half delivered']);
    expect((await list('sent')).items.map((m) => m.subject)).toEqual(['All accepted']);
    expect((await list('failed,partially_sent')).items.map((m) => m.id)).toEqual([partialId]);
  });

  it('counts it apart in the delivery report, its CSV and /metrics', async () => {
    const report = deliveryReportSchema.parse(
      await json(t.call('GET', '/api/v1/reports/delivery?groupBy=account')),
    );
    expect(report.totals).toMatchObject({ total: 2, sent: 1, partiallySent: 1, failed: 0 });
    const csv = await t.call('GET', '/api/v1/reports/delivery.csv?groupBy=account');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'day,account_id,account,total,sent,partially_sent,failed,deferred,queued,cancelled,bounced_recipients,hard_bounced_recipients,complained_recipients,suppressed_recipients',
    );
    expect(lines.at(-1)).toBe('total,,,2,1,1,0,0,0,0,0,0,0,0');
    const metrics = await (await t.call('GET', '/metrics')).text();
    expect(metrics).toContain('mailroom_messages{status="partially_sent"} 1');
    expect(metrics).toContain('mailroom_messages{status="sent"} 1');
    expect(metrics).toContain('mailroom_messages{status="failed"} 0');
  });

  it('lists partially_sent in the OpenAPI enum of message statuses', async () => {
    const doc = await json(t.call('GET', '/api/openapi.json'));
    const paths = Object.keys(doc.paths).filter((p) => p.endsWith('/messages/{id}'));
    expect(paths).toHaveLength(1);
    const view = doc.paths[paths[0]!].get.responses['200'].content['application/json'].schema;
    expect(view.properties.status.enum).toEqual([
      'queued',
      'sending',
      'sent',
      'partially_sent',
      'deferred',
      'failed',
      'cancelled',
    ]);
  });
});
