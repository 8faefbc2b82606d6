import type { TestEnv } from '../env';
import type { Pop3Commander } from './command';

export type Pop3Capabilities = {
  capabilities: string[];
  sasl: string[];
  stls: boolean;
  user: boolean;
  uidl: boolean | null;
};

/** Step "capabilities": POP3 CAPA; an old server without CAPA is fine, its capabilities are then unknown. */
export function pop3CapaStep(
  env: TestEnv,
  pop3: Pop3Commander,
  afterTls: boolean,
): Promise<Pop3Capabilities> {
  return env.steps.run('capabilities', async () => {
    const r = await pop3.run('CAPA', { multiline: true });
    const capabilities = r.ok ? r.lines.map((l) => l.trim()).filter(Boolean) : [];
    const has = (kw: string) => capabilities.some((c) => c.toUpperCase().split(/\s+/)[0] === kw);
    const saslLine = capabilities.find((c) => /^SASL\b/i.test(c));
    const caps: Pop3Capabilities = {
      capabilities,
      sasl: saslLine ? saslLine.slice(4).trim().toUpperCase().split(/\s+/).filter(Boolean) : [],
      stls: has('STLS'),
      // Without CAPA, USER/PASS is the baseline every POP3 server speaks.
      user: r.ok ? has('USER') : true,
      uidl: r.ok ? has('UIDL') : null,
    };
    return { value: caps, detail: { ...caps, capaSupported: r.ok, afterTls } };
  });
}
