import { hostname } from 'node:os';
import { classifyReply } from '../classify';
import type { TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import type { LineSocket } from '../lineSocket';
import { command } from './reply';

export type SmtpCapabilities = {
  extensions: string[];
  size: number | null;
  authMechanisms: string[];
  starttls: boolean;
};

/** The name we introduce ourselves with: the machine's FQDN when it has one, as servers expect. */
export function clientName(): string {
  const h = hostname();
  return h.includes('.') && /^[A-Za-z0-9.-]+$/.test(h) ? h : 'localhost';
}

/** Parses the EHLO reply lines (the first is the server's name) into what the test reports. */
export function parseEhlo(lines: string[]): SmtpCapabilities {
  const extensions = lines
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean);
  const find = (kw: string) => extensions.find((e) => e.toUpperCase().split(/[\s=]/)[0] === kw);
  const sizeLine = find('SIZE');
  const size = sizeLine ? Number(sizeLine.split(/\s+/)[1] ?? 0) || null : null;
  const auth = extensions
    .filter((e) => /^AUTH[\s=]/i.test(e))
    .flatMap((e) => e.slice(5).trim().toUpperCase().split(/\s+/))
    .filter(Boolean);
  return { extensions, size, authMechanisms: [...new Set(auth)], starttls: Boolean(find('STARTTLS')) };
}

/** Step "capabilities": EHLO (HELO if the server is that old), listing extensions, SIZE and AUTH mechanisms. */
export function ehloStep(env: TestEnv, io: LineSocket, afterTls: boolean): Promise<SmtpCapabilities> {
  const timeoutMs = env.config.timeouts.commandMs;
  return env.steps.run('capabilities', async () => {
    const name = clientName();
    let reply = await command(io, `EHLO ${name}`, { what: 'EHLO', timeoutMs });
    if (reply.code >= 500 && reply.code < 510) {
      reply = await command(io, `HELO ${name}`, { what: 'HELO', timeoutMs });
      if (reply.code === 250) {
        const caps = { extensions: [], size: null, authMechanisms: [], starttls: false };
        return { value: caps, detail: { command: 'HELO', ...caps, afterTls } };
      }
    }
    if (reply.code !== 250) {
      throw new ConnectionFailure(
        classifyReply({ protocol: 'smtp', stage: 'ehlo', code: reply.code, text: reply.text }),
      );
    }
    const caps = parseEhlo(reply.lines);
    return { value: caps, detail: { command: 'EHLO', ...caps, afterTls } };
  });
}
