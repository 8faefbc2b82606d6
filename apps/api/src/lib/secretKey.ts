import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecretBox, generateKeySpec, parseKeySpec, type SecretBox } from '@mailroom/core';

/**
 * The key that encrypts stored secrets: MAILROOM_SECRET_KEY, else a key file made once in the data dir
 * (mode 0600). Several processes sharing one Postgres must share the key: set MAILROOM_SECRET_KEY there.
 */
export function loadSecretBox(spec: string | undefined, dataDir: string): { box: SecretBox; source: string } {
  if (spec) return { box: createSecretBox(parseKeySpec(spec)), source: 'MAILROOM_SECRET_KEY' };
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${generateKeySpec('k1')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { box: createSecretBox(parseKeySpec(readFileSync(file, 'utf8').trim())), source: file };
}
