import { describe, expect, it } from 'vitest';
import { ConnectionFailure } from '../connection/failure';
import { assertAllowed, resolveDestination } from './destination';
import { blockReason, toBytes } from './ranges';

describe('destination guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:a00:1::', 'private'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['fec0::1', 'private'],
    ['224.0.0.1', 'multicast'],
  ])('refuses %s as %s', (ip, reason) => {
    expect(blockReason(ip)).toBe(reason);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'])(
    'lets public %s through',
    (ip) => {
      expect(blockReason(ip)).toBeNull();
    },
  );

  it('parses compressed IPv6 forms to 16 bytes', () => {
    expect(toBytes('::1')).toEqual([...new Array(15).fill(0), 1]);
    expect(toBytes('2001:db8::1')?.slice(0, 4)).toEqual([0x20, 0x01, 0x0d, 0xb8]);
    expect(toBytes('not-an-ip')).toBeNull();
  });

  it('refuses loopback with class "blocked" unless private hosts are allowed', async () => {
    const err = await resolveDestination('127.0.0.1', { allowPrivateHosts: false, timeoutMs: 1000 }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ConnectionFailure);
    expect((err as ConnectionFailure).info).toMatchObject({ code: 'blocked' });
    expect((err as ConnectionFailure).message).toContain('loopback');
    const ok = await resolveDestination('127.0.0.1', { allowPrivateHosts: true, timeoutMs: 1000 });
    expect(ok.addresses).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  // Spellings of loopback and metadata a resolver or a URL parser turns into the address itself: each is
  // resolved, and what it resolves to is checked (never the spelling).
  it.each([
    '2130706433',
    '0x7f.1',
    '127.1',
    '0177.0.0.1',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[0:0:0:0:0:ffff:127.0.0.1]',
    '::',
    '0.0.0.0',
    '0',
    '127.0.0.1.',
    'localhost.',
    'LOCALHOST',
    '\u24dbocalhost',
    'fe80::1%lo',
    '[::1]',
    '::ffff:169.254.169.254',
    '169.254.169.254.',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
  ])('refuses %s as blocked', async (host) => {
    const err = await resolveDestination(host, { allowPrivateHosts: false, timeoutMs: 2000 }).catch((e) => e);
    expect((err as ConnectionFailure).info.code).toBe('blocked');
  });

  it('checks every address a name resolves to (localhost)', async () => {
    const err = await resolveDestination('localhost', { allowPrivateHosts: false, timeoutMs: 2000 }).catch(
      (e) => e,
    );
    expect((err as ConnectionFailure).info.code).toBe('blocked');
  });

  it('keeps metadata endpoints refused even when private hosts are allowed', () => {
    expect(() => assertAllowed('metadata', '169.254.169.254', true)).toThrow(ConnectionFailure);
    expect(() => assertAllowed('lo', '127.0.0.1', true)).not.toThrow();
  });

  it('reports an unknown host as class "dns"', async () => {
    const err = await resolveDestination('no-such-host.invalid', {
      allowPrivateHosts: true,
      timeoutMs: 3000,
    }).catch((e) => e);
    expect((err as ConnectionFailure).info.code).toBe('dns');
    expect((err as ConnectionFailure).message).toContain('no-such-host.invalid');
  });
});
