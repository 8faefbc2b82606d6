import { describe, expect, it } from 'vitest';
import { kindOf, refineStatus, statusField, statusInText } from './status';

describe('statusInText', () => {
  it('finds enhanced codes, not parts of IP addresses or versions', () => {
    expect(statusInText('550 5.1.1 <a@b.test>: User unknown')).toBe('5.1.1');
    expect(statusInText('host 192.0.2.5 said: 550 no')).toBe('5.0.0');
    expect(statusInText('Exim 4.97.1 at 10.4.3.2')).toBeNull();
    expect(statusInText('<mx.example.test #5.1.1>')).toBe('5.1.1');
    expect(statusInText('451 4.7.1 Greylisted')).toBe('4.7.1');
    expect(statusInText('we have 450 KB left')).toBe('4.0.0');
    expect(statusInText('nothing here')).toBeNull();
    expect(statusInText(null)).toBeNull();
  });

  it('reads a DSN Status field with its comment', () => {
    expect(statusField('5.0.0 (permanent failure)')).toBe('5.0.0');
    expect(statusField('4.4.7')).toBe('4.4.7');
    expect(statusField('failed')).toBeNull();
  });
});

describe('refineStatus', () => {
  it('keeps a precise status, sharpens a vague one from the diagnostic code, then from its words', () => {
    expect(refineStatus('5.1.1', '550 5.7.1 blocked', null)).toBe('5.1.1');
    expect(refineStatus('5.0.0', '550-5.1.1 The account does not exist', null)).toBe('5.1.1');
    expect(refineStatus('5.0.0', '550 Requested action not taken: mailbox unavailable', null)).toBe('5.1.1');
    expect(refineStatus(null, '552 sorry, mailbox full', '5.0.0')).toBe('5.2.2');
    expect(refineStatus(null, '452 mailbox full', '5.0.0')).toBe('4.2.2');
    expect(refineStatus(null, 'Unrouteable address', '5.0.0')).toBe('5.1.2');
    expect(refineStatus(null, null, '4.0.0')).toBe('4.0.0');
    expect(refineStatus(null, 'something odd', null)).toBeNull();
  });
});

describe('kindOf', () => {
  it('maps action and status to hard / soft / delayed / delivered (STATUS_KIND)', () => {
    expect(kindOf('failed', '5.1.1')).toBe('hard');
    expect(kindOf('failed', '5.7.1')).toBe('hard');
    expect(kindOf('failed', '5.2.2')).toBe('soft');
    expect(kindOf('failed', '5.4.7')).toBe('soft');
    expect(kindOf('failed', '4.4.7')).toBe('soft');
    expect(kindOf('failed', null)).toBe('hard');
    expect(kindOf('delayed', '4.4.1')).toBe('delayed');
    expect(kindOf('delivered', '2.0.0')).toBe('delivered');
    expect(kindOf('relayed', '2.0.0')).toBe('delivered');
    expect(kindOf('expanded', null)).toBe('delivered');
  });
});
