import { CliError, HELP, parseCli } from './cli-args.js';
import { startMockMailServer } from './server.js';

async function main(): Promise<void> {
  let command: ReturnType<typeof parseCli>;
  try {
    command = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`mock-mailserver: ${error.message}\nTry --help.\n`);
    process.exit(2);
  }
  if (command.help) {
    process.stdout.write(HELP);
    return;
  }
  const log = command.quiet ? undefined : (line: string) => process.stdout.write(`${line}\n`);
  const mock = await startMockMailServer({ ...command.options, ...(log ? { log } : {}) });
  const at = (name: string, port: number, scheme = '') => {
    if (port) process.stdout.write(`${name.padEnd(6)} ${scheme}${mock.host}:${port}\n`);
  };
  at('SMTP', mock.smtpPort);
  at('SMTPS', mock.smtpsPort);
  at('POP3', mock.pop3Port);
  at('IMAP', mock.imapPort);
  at('IMAPS', mock.imapsPort);
  if (mock.httpUrl) process.stdout.write(`HTTP   ${mock.httpUrl}\n`);
  if (mock.httpUrl && mock.oauth.enabled) {
    process.stdout.write(`OAuth  ${mock.oauth.issuer}/.well-known/oauth-authorization-server\n`);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    mock.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`mock-mailserver: ${error.message}\n`);
  process.exit(1);
});
