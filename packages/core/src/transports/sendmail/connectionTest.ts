import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { TestEnv } from '../../connection/env';
import { ConnectionFailure } from '../../connection/failure';
import { sendmailPathProblem } from './transport';

/**
 * sendmail test, one step "binary": the operator allows the program, it exists, is a file, and this
 * process may execute it. Nothing is run.
 */
export async function testSendmail(env: TestEnv, path: string): Promise<void> {
  await env.steps.run('binary', async () => {
    const problem = sendmailPathProblem(path, env.config.sendmailPaths ?? []);
    if (problem) {
      throw new ConnectionFailure({
        code: 'blocked',
        message: `${path} ${problem}`,
        hint: 'Ask the operator to allow the program, or choose an allowed path.',
      });
    }
    const st = await stat(path).catch(() => null);
    if (!st) {
      throw new ConnectionFailure({
        code: 'protocol',
        message: `${path} does not exist`,
        hint: 'Install a sendmail-compatible MTA (postfix, exim, msmtp) or correct the path.',
      });
    }
    if (!st.isFile()) {
      throw new ConnectionFailure({
        code: 'protocol',
        message: `${path} is not a file`,
        hint: 'Point the path at the sendmail program itself.',
      });
    }
    const executable = await access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!executable) {
      throw new ConnectionFailure({
        code: 'protocol',
        message: `${path} is not executable by Mailroom`,
        hint: `Make it executable for the user Mailroom runs as (chmod +x ${path}).`,
      });
    }
    return {
      value: undefined,
      detail: { path, executable: true, sizeBytes: st.size, mode: (st.mode & 0o777).toString(8) },
    };
  });
}
