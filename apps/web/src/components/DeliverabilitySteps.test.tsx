import type { ConnectionTestResult } from '@mailroom/core/schemas';
import { describe, expect, it } from 'vitest';
import { mount } from '../test/mount';
import { StepList } from './StepList';

const result: ConnectionTestResult = {
  ok: true,
  direction: 'outgoing',
  durationMs: 120,
  steps: [
    { step: 'check', ok: true, durationMs: 3, detail: { mailFrom: '250 Accepted' } },
    {
      step: 'deliverability',
      ok: true,
      durationMs: 90,
      detail: {
        result: 'fail',
        domain: 'shop.test',
        checks: [
          {
            name: 'spf',
            result: 'fail',
            detail: 'shop.test publishes no SPF record',
            hint: 'Publish a TXT record',
          },
          { name: 'dkim', result: 'pass', detail: 'A key is published at mr._domainkey.shop.test', hint: '' },
          { name: 'dmarc', result: 'warn', detail: 'DMARC is published with p=none', hint: 'Tighten it' },
          { name: 'alignment', result: 'pass', detail: 'aligned', hint: '' },
        ],
      },
    },
  ],
};

describe('the deliverability step', () => {
  it('shows each check with its mark, detail and hint; the test itself still works', () => {
    const root = mount(() => <StepList result={result} />);
    expect(root.querySelector('[data-testid="test-result"]')?.textContent).toContain('Connection works');
    const step = root.querySelector('[data-testid="deliverability-step"]')!;
    expect(step.querySelector('.mark')?.className).toContain('bad');
    expect(step.textContent).toContain('Deliverability of shop.test');
    const rows = [...step.querySelectorAll('li[data-check]')].map((li) => [
      li.getAttribute('data-check'),
      li.querySelector('.mark')?.className.replace('mark ', ''),
      li.querySelector('.sr-only')?.textContent?.trim(),
    ]);
    expect(rows).toEqual([
      ['spf', 'bad', 'failed'],
      ['dkim', 'ok', 'passed'],
      ['dmarc', 'warn', 'warning'],
      ['alignment', 'ok', 'passed'],
    ]);
    expect(step.querySelector('[data-check="spf"]')?.textContent).toContain('Hint: Publish a TXT record');
  });
});
