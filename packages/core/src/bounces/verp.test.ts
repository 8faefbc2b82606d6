import { describe, expect, it } from 'vitest';
import { createVerpToken, parseVerp, readVerpToken, verpAddress } from './verp';

const KEY = 'test-key-0123456789abcdef';
const MESSAGE = '0f8e2b1c-3d4a-4b5c-8d9e-a1b2c3d4e5f6';

describe('verpAddress / parseVerp', () => {
  it('puts the token after a plus and reads it back', () => {
    const a = verpAddress('bounces@example.com', 'abc-123');
    expect(a).toBe('bounces+abc-123@example.com');
    expect(parseVerp(a, 'bounces@example.com')).toEqual({ base: 'bounces@example.com', token: 'abc-123' });
    expect(parseVerp(`<${a}>`)).toEqual({ base: 'bounces@example.com', token: 'abc-123' });
  });

  it('compares the base case-insensitively (servers on the way may change case)', () => {
    expect(parseVerp('Bounces+tok@EXAMPLE.Com', 'bounces@example.com')).toEqual({
      base: 'bounces@example.com',
      token: 'tok',
    });
    expect(parseVerp('bounces+tok@example.org', 'bounces@example.com')).toBeNull();
    expect(parseVerp('other+tok@example.com', 'bounces@example.com')).toBeNull();
  });

  it('refuses what is not a VERP address', () => {
    expect(parseVerp('bounces@example.com')).toBeNull();
    expect(parseVerp('bounces+@example.com')).toBeNull();
    expect(parseVerp('+tok@example.com')).toBeNull();
    expect(parseVerp('bounces+to"k@example.com')).toBeNull();
    expect(parseVerp('no-at-sign')).toBeNull();
  });

  it('keeps the local part within 64 octets', () => {
    expect(() => verpAddress(`${'b'.repeat(50)}@example.com`, 't'.repeat(13))).not.toThrow();
    expect(() => verpAddress(`${'b'.repeat(50)}@example.com`, 't'.repeat(14))).toThrow(RangeError);
    expect(parseVerp(`${'b'.repeat(50)}+${'t'.repeat(14)}@example.com`)).toBeNull();
  });

  it('refuses a base that already has a tag and tokens with unsafe characters', () => {
    expect(() => verpAddress('bounces+x@example.com', 'tok')).toThrow(TypeError);
    expect(() => verpAddress('bounces@example.com', 'a+b')).toThrow(TypeError);
    expect(() => verpAddress('bounces@example.com', 'a@b')).toThrow(TypeError);
    expect(() => verpAddress('bounces@example.com', '')).toThrow(TypeError);
  });
});

describe('createVerpToken / readVerpToken', () => {
  it('round-trips message and recipient index, and fits a 64-octet local part with a 20-character base', () => {
    for (const recipientIndex of [0, 1, 31, 32, 999, 32767]) {
      const token = createVerpToken({ messageId: MESSAGE, recipientIndex }, KEY);
      expect(token).toMatch(/^[a-z2-7]{26}[0-9a-v]{1,3}-[a-z2-7]{13}$/);
      expect(readVerpToken(token, KEY)).toEqual({ messageId: MESSAGE, recipientIndex });
      expect(verpAddress(`${'b'.repeat(20)}@example.com`, token).split('@')[0]!.length).toBeLessThanOrEqual(
        64,
      );
    }
  });

  it('survives a server that upper-cases the local part', () => {
    const token = createVerpToken({ messageId: MESSAGE, recipientIndex: 3 }, KEY);
    const parsed = parseVerp(verpAddress('bounces@example.com', token).toUpperCase(), 'bounces@example.com');
    expect(readVerpToken(parsed!.token, KEY)).toEqual({ messageId: MESSAGE, recipientIndex: 3 });
  });

  it('rejects a forged token: another index, another message, another key, a flipped MAC character', () => {
    const token = createVerpToken({ messageId: MESSAGE, recipientIndex: 1 }, KEY);
    const [head, mac] = token.split('-') as [string, string];
    const otherIndex = `${head.slice(0, -1)}2-${mac}`;
    expect(readVerpToken(otherIndex, KEY)).toBeNull();
    const otherMessage = createVerpToken(
      { messageId: '1f8e2b1c-3d4a-4b5c-8d9e-a1b2c3d4e5f6', recipientIndex: 1 },
      KEY,
    );
    expect(readVerpToken(`${otherMessage.split('-')[0]}-${mac}`, KEY)).toBeNull();
    expect(readVerpToken(token, 'another-key')).toBeNull();
    const flipped = `${head}-${mac.slice(0, -1)}${mac.endsWith('a') ? 'b' : 'a'}`;
    expect(readVerpToken(flipped, KEY)).toBeNull();
  });

  it('rejects malformed tokens', () => {
    for (const bad of [
      '',
      'abc',
      'a-b',
      `${'a'.repeat(26)}-${'a'.repeat(13)}`,
      `${'a'.repeat(26)}01-${'a'.repeat(13)}`,
    ]) {
      expect(readVerpToken(bad, KEY)).toBeNull();
    }
    expect(() => createVerpToken({ messageId: 'not-a-uuid', recipientIndex: 0 }, KEY)).toThrow(TypeError);
    expect(() => createVerpToken({ messageId: MESSAGE, recipientIndex: -1 }, KEY)).toThrow(RangeError);
    expect(() => createVerpToken({ messageId: MESSAGE, recipientIndex: 32768 }, KEY)).toThrow(RangeError);
  });
});
