import { classifyReply } from '../classify';
import type { Endpoint, TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import { starttlsMissingHint } from '../hints';
import type { LineSocket } from '../lineSocket';
import { upgradeSession } from '../steps/open';
import { command } from './reply';

/** Step "tls" for SMTP STARTTLS; not offered is an error (never a silent downgrade to plain text). */
export async function starttlsStep(
  env: TestEnv,
  io: LineSocket,
  ep: Endpoint,
  offered: boolean,
): Promise<void> {
  await upgradeSession(env, io, ep, async () => {
    if (!offered) {
      throw new ConnectionFailure({
        code: 'tls',
        message: 'The server does not offer STARTTLS, which the security setting "starttls" requires',
        hint: starttlsMissingHint,
      });
    }
    const reply = await command(io, 'STARTTLS', {
      what: 'STARTTLS',
      timeoutMs: env.config.timeouts.commandMs,
    });
    if (reply.code !== 220) {
      throw new ConnectionFailure(
        classifyReply({ protocol: 'smtp', stage: 'starttls', code: reply.code, text: reply.text }),
      );
    }
    return reply.text;
  });
}
