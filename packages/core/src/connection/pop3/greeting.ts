import { classifyReply } from '../classify';
import type { TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import { defaultHints } from '../hints';
import type { LineSocket } from '../lineSocket';
import { readGreeting } from '../steps/greeting';

/** Step "greeting": `+OK` within the greeting timeout. */
export function pop3GreetingStep(env: TestEnv, io: LineSocket): Promise<string> {
  return env.steps.run('greeting', async () => {
    const line = await readGreeting(env.config.timeouts.greetingMs, (opts) => io.readLine(opts));
    if (line.startsWith('-ERR')) {
      throw new ConnectionFailure(classifyReply({ protocol: 'pop3', stage: 'greeting', text: line }));
    }
    if (!line.startsWith('+OK')) {
      throw new ConnectionFailure({
        code: 'greeting',
        message: 'The server did not greet like a POP3 server',
        hint: defaultHints.greeting,
        reply: line.slice(0, 300),
      });
    }
    return { value: line, detail: { banner: line.slice(4) } };
  });
}
