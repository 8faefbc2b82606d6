import { type CoreConfig, defaultCoreConfig } from '@mailroom/core';
import type { Env } from '../env';

/** The core's configuration from the environment; the same for `start` and `worker`. */
export function coreConfig(env: Env, opts: { quickstart?: boolean } = {}): CoreConfig {
  return {
    ...defaultCoreConfig,
    allowPrivateHosts: env.MAILROOM_ALLOW_PRIVATE_HOSTS ?? opts.quickstart ?? false,
    logRetentionDays: env.MAILROOM_LOG_RETENTION_DAYS,
    timeouts: {
      connectMs: env.MAILROOM_CONNECT_TIMEOUT_MS,
      greetingMs: env.MAILROOM_GREETING_TIMEOUT_MS,
      commandMs: env.MAILROOM_COMMAND_TIMEOUT_MS,
    },
  };
}
