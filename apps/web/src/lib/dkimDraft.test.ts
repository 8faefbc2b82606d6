import { type AccountView, outgoingInputSchema } from '@mailroom/core/schemas';
import { describe, expect, it } from 'vitest';
import { draftFromView, emptyDraft, outgoingInput, toPatch } from './accountDraft';
import { dkimDraftFromView, dkimInput, emptyDkimDraft } from './dkimDraft';

describe('DKIM in the account draft', () => {
  it('leaves dkim out until it is turned on; on, a key is generated on save by default', () => {
    expect(dkimInput(emptyDkimDraft(), 'smtp')).toEqual({});
    const on = { ...emptyDkimDraft(), enabled: true, selector: 'mr' };
    expect(dkimInput(on, 'smtp')).toEqual({ dkim: { enabled: true, selector: 'mr', generateKey: true } });
    expect(dkimInput(on, 'mailgun')).toEqual({});
    const pasted = {
      ...on,
      keyMode: 'paste' as const,
      pasted: '  -----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
    };
    expect(dkimInput(pasted, 'sendmail')).toMatchObject({
      dkim: { privateKey: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----' },
    });
  });

  it('a stored key is kept; turning signing off keeps the settings and the key', () => {
    const d = dkimDraftFromView({
      enabled: true,
      domain: 'shop.test',
      selector: 'mr',
      privateKeySet: true,
      record: { name: 'mr._domainkey.shop.test', type: 'TXT', value: 'v=DKIM1; k=rsa; p=AAAA' },
    });
    expect(d).toMatchObject({ keyMode: 'keep', saved: true, record: { name: 'mr._domainkey.shop.test' } });
    expect(dkimInput(d, 'smtp')).toEqual({ dkim: { enabled: true, domain: 'shop.test', selector: 'mr' } });
    expect(dkimInput({ ...d, enabled: false }, 'smtp')).toEqual({
      dkim: { enabled: false, domain: 'shop.test', selector: 'mr' },
    });
  });

  it('the outgoing input passes the shared schema, and an unchanged DKIM part sends no PATCH', () => {
    const draft = emptyDraft();
    draft.outgoing.kinds.smtp.server.host = 'smtp.shop.test';
    draft.outgoing.kinds.smtp.auth.method = 'none';
    draft.outgoing.fromAddress = 'sales@shop.test';
    draft.outgoing.dkim = { ...emptyDkimDraft(), enabled: true };
    expect(outgoingInputSchema.safeParse(outgoingInput(draft.outgoing)).success).toBe(true);
    const loaded = draftFromView({
      name: 'A',
      label: null,
      purpose: 'system',
      teamId: null,
      debug: false,
      incoming: null,
      outgoing: {
        transport: 'smtp',
        host: 'smtp.shop.test',
        port: 587,
        security: 'starttls',
        allowInvalidCertificates: false,
        auth: { method: 'none' },
        from: { address: 'sales@shop.test' },
        fromFilter: [],
        sendMode: 'queued',
        fromNotAllowed: 'refuse',
        rateLimitPerMinute: 0,
        verifiedAt: null,
        dkim: { enabled: true, domain: 'shop.test', selector: 'mailroom', privateKeySet: true, record: null },
      },
    } as unknown as AccountView);
    expect(toPatch(loaded, structuredClone(loaded))).toEqual({});
  });
});
