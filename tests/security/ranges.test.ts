// The destination guard's ranges, attacked with the IPv6 forms that carry an IPv4 address or are not
// global unicast at all. A host name whose AAAA record is one of these (or an IP literal typed as a host)
// must be refused like the private address it stands for: a NAT64 gateway, a 6to4 tunnel or a SIIT
// translator on the server's network turns it into that address.
import { assertAllowed, blockReason, resolveDestination } from '@mailroom/core';
import { describe, expect, it } from 'vitest';

describe('IPv6 forms that carry a private IPv4 address are refused as that address', () => {
  it.each([
    // 6to4 (2002::/16): the IPv4 address is bits 16–47.
    ['2002:7f00:1::', 'loopback'],
    ['2002:a00:1::1', 'private'],
    ['2002:a9fe:a9fe::', 'metadata'],
    // Local-use NAT64 (64:ff9b:1::/48, RFC 8215): a /96 inside it carries the IPv4 address last.
    ['64:ff9b:1::7f00:1', 'loopback'],
    ['64:ff9b:1::a9fe:a9fe', 'metadata'],
    // IPv4-translated (::ffff:0:0:0/96, SIIT).
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:0:c0a8:101', 'private'],
  ])('%s is %s', (ip, reason) => {
    expect(blockReason(ip)).toBe(reason);
  });
});

describe('IPv6 outside global unicast is refused', () => {
  it.each([
    // Teredo (2001::/32): a tunnel endpoint, never a mail server; its client address is obfuscated IPv4.
    '2001:0:4136:e378:8000:63bf:80ff:fffe',
    // Local-use NAT64 outside a /96: where the IPv4 sits depends on the gateway's prefix length.
    '64:ff9b:1:7f00:1::',
    // Outside 2000::/3: the rest of ::/96, the discard prefix, other reserved blocks.
    '::2',
    '::0.0.0.2',
    '100::1',
    '1::',
    '4000::1',
    // Site-local (deprecated, still routed inside some networks).
    'fec0::1',
    // ORCHID, benchmarking, the new documentation prefix.
    '2001:10::1',
    '2001:20::1',
    '2001:2::1',
    '3fff::1',
    // The deprecated 6to4 relay anycast block.
    '192.88.99.1',
  ])('%s', (ip) => {
    expect(blockReason(ip)).not.toBeNull();
  });

  it('is refused by the guard before any connection', async () => {
    const err = await resolveDestination('[64:ff9b:1::7f00:1]', {
      allowPrivateHosts: false,
      timeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect((err as { info?: { code?: string } }).info?.code).toBe('blocked');
  });
});

describe('public addresses still pass', () => {
  it.each([
    '2a00:1450:4001:80b::200e',
    '2002:808:808::1',
    '64:ff9b::808:808',
    '64:ff9b:1::808:808',
    '::ffff:8.8.8.8',
  ])('%s', (ip) => {
    expect(blockReason(ip)).toBeNull();
  });
});

describe('cloud metadata and credential endpoints stay refused even where private hosts are allowed', () => {
  it.each([
    ['169.254.169.254', 'AWS, GCP, Azure, OCI, OpenStack instance metadata'],
    ['169.254.169.253', 'the AWS VPC resolver'],
    ['169.254.170.2', 'ECS task metadata and role credentials'],
    ['169.254.170.23', 'the EKS Pod Identity agent'],
    ['fd00:ec2::254', 'AWS instance metadata over IPv6'],
    ['fd00:ec2::23', 'the EKS Pod Identity agent over IPv6'],
    ['100.100.100.200', 'Alibaba Cloud instance metadata'],
    ['168.63.129.16', 'the Azure WireServer (a public address reachable only from inside Azure)'],
    ['::ffff:169.254.170.2', 'ECS credentials, IPv4-mapped'],
  ])('%s (%s)', (ip) => {
    expect(blockReason(ip)).toBe('metadata');
    expect(() => assertAllowed('metadata.test', ip, true)).toThrow(/metadata/);
  });
});

describe('a refusal does not map the internal network', () => {
  it('names the kind of address a name resolves to, never the address (DNS is not an oracle for team admins)', async () => {
    const err = await resolveDestination('localhost', { allowPrivateHosts: false, timeoutMs: 2000 }).catch(
      (e: unknown) => e,
    );
    const message = (err as { message?: string }).message ?? '';
    expect(message).toMatch(/localhost resolves to a loopback address/);
    expect(message).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('still names an address typed as the host, which says nothing new', async () => {
    const err = await resolveDestination('10.1.2.3', { allowPrivateHosts: false, timeoutMs: 1000 }).catch(
      (e: unknown) => e,
    );
    expect((err as { message?: string }).message).toMatch(/10\.1\.2\.3 is a private address/);
  });
});
