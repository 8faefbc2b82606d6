import { describe, expect, it } from 'vitest';
import { outgoingInputSchema, outgoingViewSchema, secretPaths } from '../schemas/account';
import { transportCatalog, transportKinds } from './catalog';
import { registeredTransports, transportOf } from './registry';
import { outgoingSummary, transportLabel } from './summaries';

describe('the transport registry', () => {
  it('has a server half for every kind of the catalog, and nothing else', () => {
    expect(registeredTransports.map((t) => t.settings.kind).sort()).toEqual([...transportKinds].sort());
    for (const kind of transportKinds) {
      // The server half carries the very settings module the catalog lists: one source per kind.
      expect(transportOf(kind).settings).toBe(transportCatalog[kind]);
      expect(transportOf(kind).settings.kind).toBe(kind);
    }
  });

  it.each(transportKinds)('%s has every part', (kind) => {
    const t = transportOf(kind);
    const s = t.settings;
    for (const fn of [t.createTransport, t.test, t.wireSecrets, t.target]) expect(fn).toBeTypeOf('function');
    for (const fn of [s.complete, s.split, s.attach, s.secretsUsed, s.toView])
      expect(fn).toBeTypeOf('function');
    expect(s.label).not.toBe('');
    expect(transportLabel(kind)).toBe(s.label);
    expect(s.fields.length).toBeGreaterThan(0);
    // The schemas answer to the kind, and every secret is a known secret path of the account.
    expect(s.input.shape.transport.value).toBe(kind);
    expect(s.view.shape.transport.value).toBe(kind);
    for (const f of s.secretFields) expect(secretPaths).toContain(`outgoing.${f}`);
    // A secret field is on the form as a secret, with its view's has* flag.
    for (const f of s.secretFields) {
      const onForm = s.fields.some((x) => x.kind === 'auth' || (x.kind === 'secret' && x.key === f));
      expect(onForm, `${kind}: ${f} has no field on the form`).toBe(true);
    }
    for (const x of s.fields) {
      if (x.kind === 'secret') expect(s.view.shape).toHaveProperty(x.has);
      if (x.kind === 'text' || x.kind === 'url') expect(s.input.shape).toHaveProperty(x.key);
    }
  });

  it('builds the outgoing union from the catalog', () => {
    expect(outgoingInputSchema.options.map((o) => o.shape.transport.value)).toEqual(transportKinds);
    expect(outgoingViewSchema.options.map((o) => o.shape.transport.value)).toEqual(transportKinds);
  });

  it.each(transportKinds)(
    '%s: form defaults → input → stored → view → summary, secrets kept apart',
    (kind) => {
      const s = transportOf(kind).settings;
      // A filled form: the defaults, a value for every text field, a secret for every secret field.
      const doc: Record<string, unknown> = { transport: kind, from: { address: 'a@example.com' } };
      for (const x of s.fields) {
        if (x.kind === 'server') Object.assign(doc, { host: 'mail.example.com' });
        if (x.kind === 'auth') doc.auth = { method: 'password', username: 'a', password: 'pw-secret-1' };
        if (x.kind === 'text' || x.kind === 'url') doc[x.key] = s.defaults[x.key] ?? sample[x.key] ?? 'x';
        if (x.kind === 'secret') doc[x.key] = `${x.key}-secret-1`;
      }
      const parsed = outgoingInputSchema.parse(doc);
      const settings = s.complete(parsed);
      const { stored, secrets } = s.split(settings);
      expect(JSON.stringify(stored)).not.toContain('secret-1');
      const used = s.secretsUsed(stored).map((u) => u.field);
      expect(Object.keys(secrets).sort()).toEqual(expect.arrayContaining(used.sort()));
      const back = s.attach(stored, (f) => secrets[f] ?? undefined);
      expect(back).toEqual(settings);
      const common = {
        from: { address: 'a@example.com' },
        fromFilter: [],
        sendMode: 'queued' as const,
        fromNotAllowed: 'refuse' as const,
        rateLimitPerMinute: 0,
        verifiedAt: null,
      };
      const view = s.toView(stored, () => true, common);
      expect(s.view.parse(view)).toEqual(view);
      expect(JSON.stringify(view)).not.toContain('secret-1');
      const summary = outgoingSummary(outgoingViewSchema.parse(view));
      expect(summary.line).not.toBe('');
      expect(summary.endpoint).not.toBe('');
    },
  );
});

/** Values that pass the schemas for the text fields of the transports that have no default for them. */
const sample: Record<string, string> = {
  domain: 'mg.example.com',
  region: 'eu-west-1',
  accessKeyId: 'AKIDEXAMPLE',
  endpoint: 'https://email.eu-west-1.amazonaws.com',
};
