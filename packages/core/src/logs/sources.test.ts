import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logSourceInfo, logSources } from '../schemas/logs';

const doc = readFileSync(new URL('../../../../docs/LOGS.md', import.meta.url), 'utf8');

describe('the Main Log sources are documented', () => {
  it('has a row in docs/LOGS.md for every source, under the name the UI shows', () => {
    for (const source of logSources) {
      expect(doc).toContain(`| \`${source}\` (${logSourceInfo[source].label}) |`);
    }
  });
});
