import { classifyReply } from '../classify';
import type { TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import type { LineSocket } from '../lineSocket';
import { command } from './reply';

/** Step "check": MAIL FROM + RCPT TO, then RSET — the server accepts the envelope and no mail is sent. */
export function smtpCheckStep(env: TestEnv, io: LineSocket, from: string, to: string): Promise<void> {
  const timeoutMs = env.config.timeouts.commandMs;
  return env.steps.run('check', async () => {
    const mail = await command(io, `MAIL FROM:<${from}>`, { what: 'MAIL FROM', timeoutMs });
    if (mail.code !== 250) {
      throw new ConnectionFailure(
        classifyReply({ protocol: 'smtp', stage: 'mail', code: mail.code, text: mail.text }),
        {
          detail: { from },
        },
      );
    }
    const rcpt = await command(io, `RCPT TO:<${to}>`, { what: 'RCPT TO', timeoutMs });
    if (rcpt.code !== 250 && rcpt.code !== 251) {
      await command(io, 'RSET', { what: 'RSET', timeoutMs }).catch(() => undefined);
      throw new ConnectionFailure(
        classifyReply({ protocol: 'smtp', stage: 'rcpt', code: rcpt.code, text: rcpt.text }),
        {
          detail: { from, to, mailFrom: mail.text },
        },
      );
    }
    const rset = await command(io, 'RSET', { what: 'RSET', timeoutMs });
    return {
      value: undefined,
      detail: { from, to, mailFrom: mail.text, rcptTo: rcpt.text, rset: rset.text, sent: false },
    };
  });
}
