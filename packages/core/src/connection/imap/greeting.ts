import { classifyReply } from '../classify';
import type { TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import { defaultHints } from '../hints';
import type { LineSocket } from '../lineSocket';
import { readGreeting } from '../steps/greeting';

/** Step "greeting": `* OK` (or `* PREAUTH`) within the greeting timeout; `* BYE` means the server refuses us. */
export function imapGreetingStep(env: TestEnv, io: LineSocket): Promise<{ text: string; preauth: boolean }> {
  const ms = env.config.timeouts.greetingMs;
  return env.steps.run('greeting', async () => {
    const deadline = Date.now() + ms;
    let line: string;
    // Dovecot may send "* OK Waiting for authentication process" before its real greeting.
    do {
      line = await readGreeting(ms, (opts) => io.readLine(opts), deadline - Date.now());
    } while (/^\* OK Waiting for/i.test(line));
    if (/^\* BYE/i.test(line)) {
      throw new ConnectionFailure(classifyReply({ protocol: 'imap', stage: 'greeting', text: line }));
    }
    if (!/^\* (OK|PREAUTH)\b/i.test(line)) {
      throw new ConnectionFailure({
        code: 'greeting',
        message: 'The server did not greet like an IMAP server',
        hint: defaultHints.greeting,
        reply: line.slice(0, 300),
      });
    }
    return { value: { text: line, preauth: /^\* PREAUTH/i.test(line) }, detail: { banner: line.slice(2) } };
  });
}
