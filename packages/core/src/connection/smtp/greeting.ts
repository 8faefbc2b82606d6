import { classifyReply } from '../classify';
import type { TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import type { LineSocket } from '../lineSocket';
import { readGreeting } from '../steps/greeting';
import { readReply } from './reply';

/** Step "greeting": the server's 220 banner, within the greeting timeout. */
export function greetingStep(env: TestEnv, io: LineSocket): Promise<string> {
  return env.steps.run('greeting', async () => {
    const reply = await readGreeting(env.config.timeouts.greetingMs, (opts) => readReply(io, opts));
    if (reply.code !== 220) {
      throw new ConnectionFailure(
        classifyReply({ protocol: 'smtp', stage: 'greeting', code: reply.code, text: reply.text }),
      );
    }
    return { value: reply.text, detail: { banner: reply.lines.join(' ') } };
  });
}
