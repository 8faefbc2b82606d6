import { type AccountView, accountInputSchema } from '@mailroom/core/schemas';
import { describe, expect, it } from 'vitest';
import { defaultPort, draftFromView, emptyDraft, toInput, toPatch } from './accountDraft';

const view: AccountView = {
  id: 'a1',
  name: 'Sales',
  label: null,
  purpose: 'customer_service',
  teamId: null,
  stage: 'active',
  stageReason: null,
  health: 'ok',
  healthReason: null,
  debug: false,
  outgoing: {
    transport: 'smtp',
    host: 'smtp.example.com',
    port: 587,
    security: 'starttls',
    allowInvalidCertificates: false,
    auth: { method: 'password', username: 'sales@example.com', hasPassword: true },
    from: { address: 'sales@example.com', name: 'Sales' },
    fromFilter: ['sales@example.com'],
    sendMode: 'queued',
    fromNotAllowed: 'refuse',
    rateLimitPerMinute: 0,
    verifiedAt: null,
  },
  incoming: null,
  lastTest: {},
  sending: null,
  fetching: null,
  defaults: [],
  createdAt: '2026-01-01T00:00:00Z',
  createdBy: null,
  updatedAt: '2026-01-01T00:00:00Z',
  updatedBy: null,
};

describe('account draft', () => {
  it('follows the security mode for default ports', () => {
    expect(defaultPort('smtp', 'none')).toBe(25);
    expect(defaultPort('smtp', 'starttls')).toBe(587);
    expect(defaultPort('smtp', 'tls')).toBe(465);
    expect(defaultPort('imap', 'tls')).toBe(993);
    expect(defaultPort('pop3', 'none')).toBe(110);
  });

  it('builds an input the shared schema accepts, without the parts that are off', () => {
    const d = emptyDraft();
    d.name = 'Sales';
    d.outgoing.kinds.smtp.server.host = 'smtp.example.com';
    d.outgoing.kinds.smtp.auth.username = 'sales';
    d.outgoing.kinds.smtp.auth.password = { stored: false, mode: 'replace', value: 'pw' };
    d.outgoing.fromAddress = 'sales@example.com';
    const input = toInput(d);
    expect(input.incoming).toBeNull();
    expect(input.outgoing).toMatchObject({ transport: 'smtp', port: 587, auth: { password: 'pw' } });
    expect(accountInputSchema.safeParse(input).success).toBe(true);
  });

  it('reports a half-typed port as the schema does, on its path', () => {
    const d = emptyDraft();
    d.name = 'x';
    d.outgoing.kinds.smtp.server.host = 'smtp.example.com';
    d.outgoing.kinds.smtp.auth.method = 'none';
    d.outgoing.fromAddress = 'a@example.com';
    d.outgoing.kinds.smtp.server.port = '58x';
    const r = accountInputSchema.safeParse(toInput(d));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join('.')).toBe('outgoing.port');
  });

  it('never carries a stored secret back, and patches only what changed', () => {
    const original = draftFromView(view);
    expect(original.outgoing.kinds.smtp.auth.password).toEqual({ stored: true, mode: 'keep', value: '' });
    const edited = structuredClone(original);
    expect(toPatch(edited, original)).toEqual({});
    edited.label = 'Front desk';
    expect(toPatch(edited, original)).toEqual({ label: 'Front desk' });
    edited.outgoing.kinds.smtp.server.port = '2525';
    const patch = toPatch(edited, original) as { outgoing: { port: number; auth: Record<string, unknown> } };
    expect(patch.outgoing.port).toBe(2525);
    // Kept secret: omitted, so the API keeps the stored one.
    expect('password' in patch.outgoing.auth && patch.outgoing.auth.password !== undefined).toBe(false);
    edited.outgoing.kinds.smtp.auth.password = { stored: true, mode: 'clear', value: '' };
    expect((toPatch(edited, original) as typeof patch).outgoing.auth.password).toBeNull();
  });

  it('holds every transport of the catalog, and an SES account round-trips without its secret', () => {
    const d = emptyDraft();
    expect(Object.keys(d.outgoing.kinds).sort()).toEqual(['mailgun', 'sendmail', 'ses', 'smtp']);
    const ses = {
      ...view,
      outgoing: {
        transport: 'ses' as const,
        region: 'eu-west-1',
        accessKeyId: 'AKIAEXAMPLE',
        hasSecretAccessKey: true,
        from: { address: 'news@example.com' },
        fromFilter: [],
        sendMode: 'queued' as const,
        fromNotAllowed: 'rewrite' as const,
        rateLimitPerMinute: 0,
        verifiedAt: null,
      },
    };
    const original = draftFromView(ses);
    expect(original.outgoing.transport).toBe('ses');
    expect(original.outgoing.kinds.ses.values.region).toBe('eu-west-1');
    expect(original.outgoing.kinds.ses.secrets.secretAccessKey).toEqual({
      stored: true,
      mode: 'keep',
      value: '',
    });
    // A blank optional endpoint is left out, so the region's endpoint applies; the kept secret is omitted.
    expect(toInput(original).outgoing).toEqual({
      transport: 'ses',
      region: 'eu-west-1',
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: undefined,
      endpoint: undefined,
      configurationSetName: undefined,
      from: { address: 'news@example.com', name: undefined },
      replyTo: undefined,
      fromFilter: [],
      fromNotAllowed: 'rewrite',
      sendMode: 'queued',
      rateLimitPerMinute: 0,
    });
    expect(accountInputSchema.safeParse(toInput(original)).success).toBe(true);
    const edited = structuredClone(original);
    edited.outgoing.kinds.ses.values.endpoint = 'https://ses-proxy.example.com';
    expect(toPatch(edited, original)).toMatchObject({
      outgoing: { endpoint: 'https://ses-proxy.example.com' },
    });
  });
});
