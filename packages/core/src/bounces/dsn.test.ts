import { describe, expect, it } from 'vitest';
import { parseFeedbackReport } from './arf';
import { parseDeliveryStatus } from './dsn';

describe('parseDeliveryStatus', () => {
  it('reads per-message and per-recipient groups, unfolding folded fields', () => {
    const dsn = parseDeliveryStatus(
      [
        'Reporting-MTA: dns; mx.example.test',
        'Arrival-Date: Mon, 30 Nov 2026 10:00:00 +0000',
        '',
        'Final-Recipient: rfc822; A@Example.test',
        'Original-Recipient: rfc822; a@example.test',
        'Action: failed',
        'Status: 5.1.1',
        'Remote-MTA: dns; mx2.example.test. (192.0.2.1)',
        'Diagnostic-Code: smtp; 550 5.1.1 <a@example.test>: no such',
        '    user here',
        '',
        'Final-Recipient: rfc822; b@example.test',
        'Action: delayed',
        'Status: 4.4.1',
        '',
      ].join('\r\n'),
    );
    expect(dsn.reportingMta).toBe('mx.example.test');
    expect(dsn.arrivalDate).toBe('Mon, 30 Nov 2026 10:00:00 +0000');
    expect(dsn.recipients).toEqual([
      {
        address: 'a@example.test',
        action: 'failed',
        status: '5.1.1',
        kind: 'hard',
        diagnostic: '550 5.1.1 <a@example.test>: no such user here',
        remoteMta: 'mx2.example.test',
        originalRecipient: 'a@example.test',
      },
      {
        address: 'b@example.test',
        action: 'delayed',
        status: '4.4.1',
        kind: 'delayed',
        diagnostic: null,
        remoteMta: null,
        originalRecipient: null,
      },
    ]);
  });

  it('copes with no blank line after the per-message group and with a missing Action', () => {
    const dsn = parseDeliveryStatus(
      'Reporting-MTA: dns; gw.test\nFinal-Recipient: rfc822; c@example.test\nStatus: 5.2.2\n',
    );
    expect(dsn.reportingMta).toBe('gw.test');
    expect(dsn.recipients).toMatchObject([
      { address: 'c@example.test', action: 'failed', status: '5.2.2', kind: 'soft' },
    ]);
  });

  it('decodes RFC 6533 \\x{HH} in utf-8 addresses and skips groups without an address', () => {
    const dsn = parseDeliveryStatus(
      'Reporting-MTA: dns; gw.test\n\nFinal-Recipient: utf-8; j\\x{00FC}rgen@example.test\nAction: failed\nStatus: 5.1.1\n\nAction: failed\nStatus: 5.0.0\n',
    );
    expect(dsn.recipients.map((r) => r.address)).toEqual(['jürgen@example.test']);
  });
});

describe('parseFeedbackReport', () => {
  it('reads the feedback type, agent and every reported recipient once', () => {
    const r = parseFeedbackReport(
      'Feedback-Type: Abuse\nUser-Agent: Test/1\nVersion: 1\nOriginal-Mail-From: <b+t@s.test>\nOriginal-Rcpt-To: <X@r.test>\nOriginal-Rcpt-To: x@r.test\nReporting-MTA: dns; mx.r.test\n',
    );
    expect(r).toEqual({
      feedbackType: 'abuse',
      userAgent: 'Test/1',
      reportingMta: 'mx.r.test',
      originalMailFrom: 'b+t@s.test',
      recipients: ['x@r.test'],
    });
  });
});
