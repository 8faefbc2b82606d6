import { join, resolve } from 'node:path';
import { openDatabase } from '@mailroom/core';
import { runDbCopy } from './dbCopy';
import { readEnv } from './env';
import { startMailroom } from './server';
import { runWorkerCommand } from './worker';

const HELP = `Usage: mailroom <command> [options]

Commands:
  start [--quickstart] [--no-worker] [--no-poller]
                         Start the API, the web UI and the background jobs.
                         --quickstart also starts the mock mail server (SMTP 1025, web 8025)
                         and allows connections to loopback/private hosts.
                         --no-worker / --no-poller: an API process without the outbox worker or
                         the incoming pollers (run \`mailroom worker\` processes beside it on Postgres);
                         the same as MAILROOM_WORKER=false / MAILROOM_POLLER=false.
  worker [--events]      Run only the outbox worker (scale-out: several on one Postgres).
                         --events prints one JSON line per claimed batch and recorded message.
  migrate                Apply database migrations and exit.
  db copy --to postgres://… [--force]
                         Copy the embedded database (MAILROOM_DATA_DIR) into an empty Postgres
                         database, verify the row counts and say what to set next. Stop Mailroom
                         first. --force empties the target's Mailroom tables first.
  help                   Show this help.

Configuration comes from MAILROOM_* environment variables (see README.md).`;

async function main(argv: string[]): Promise<void> {
  const [command = 'help', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return;
  }
  const env = readEnv();
  if (command === 'start') {
    const running = await startMailroom(
      {
        ...env,
        MAILROOM_WORKER: env.MAILROOM_WORKER && !rest.includes('--no-worker'),
        MAILROOM_POLLER: env.MAILROOM_POLLER && !rest.includes('--no-poller'),
      },
      { quickstart: rest.includes('--quickstart') },
    );
    const stop = async (signal: string) => {
      console.log(`\n  ${signal}: shutting down…`);
      await running.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
    return;
  }
  if (command === 'worker') {
    await runWorkerCommand(env, { events: rest.includes('--events') });
    return;
  }
  if (command === 'db' && rest[0] === 'copy') {
    process.exitCode = await runDbCopy(env, rest.slice(1));
    return;
  }
  if (command === 'migrate') {
    const db = await openDatabase({
      url: env.MAILROOM_DATABASE_URL,
      dataDir: join(resolve(env.MAILROOM_DATA_DIR), 'pglite'),
    });
    await db.close();
    console.log('Migrations applied.');
    return;
  }
  console.error(`Unknown command "${command}".\n\n${HELP}`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`mailroom: ${err.message}`);
  process.exit(1);
});
