// Settings discovery fetches URLs named after a domain anyone can type: the autoconfig fetch must go only
// where the destination guard allows (no loopback, private or metadata address without
// MAILROOM_ALLOW_PRIVATE_HOSTS, no plain http), and an autoconfig document must not expand entities.
import { createServer, type Server } from 'node:http';
import {
  type Ctx,
  defaultCoreConfig,
  discoverSettings,
  parseAutoconfigXml,
  systemActor,
} from '@mailroom/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let server: Server;
let port: number;
let hits = 0;
beforeEach(async () => {
  hits = 0;
  server = createServer((_req, res) => {
    hits++;
    res.end(
      '<clientConfig><emailProvider><outgoingServer type="smtp"><hostname>x.test</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer></emailProvider></clientConfig>',
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterEach(() => new Promise<void>((r) => server.close(() => r())));

const ctx = {
  actor: systemActor,
  // No DNS server answers on this port: MX and SRV fail fast, the autoconfig fetch is what is attacked.
  config: {
    ...defaultCoreConfig,
    allowPrivateHosts: false,
    dnsServers: ['127.0.0.1:9'],
    timeouts: { connectMs: 500, greetingMs: 500, commandMs: 500 },
  },
} as unknown as Ctx;

describe('autoconfig through the destination guard', () => {
  it.each([
    ['plain http to loopback', () => `http://127.0.0.1:${port}/mail/config-v1.1.xml`],
    ['https to loopback', () => `https://127.0.0.1:${port}/mail/config-v1.1.xml`],
    ['the cloud metadata address', () => 'https://169.254.169.254/mail/config-v1.1.xml'],
  ])('refuses %s and reports the source as failed', async (_what, url) => {
    const r = await discoverSettings({
      ctx,
      input: { email: 'ann@victim.test' },
      options: { autoconfigUrls: () => [url()] },
    });
    expect(r.source).toBe('none');
    expect(r.sources.find((s) => s.source === 'autoconfig')).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/does not connect|must be an https/),
    });
    expect(hits).toBe(0);
  });

  it('refuses a document that declares entities (billion laughs) instead of expanding it', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><clientConfig><emailProvider><displayName>&b;</displayName></emailProvider></clientConfig>`;
    expect(() => parseAutoconfigXml(bomb, 'ann@victim.test')).toThrow(/DOCTYPE/);
  });
});
