import { describe, expect, it } from 'vitest';
import { composeFilter } from './logs';

describe('composeFilter', () => {
  const group = { any: [{ field: 'source' as const, op: 'eq' as const, value: 'queue' }] };

  it('is empty without conditions or levels', () => {
    expect(composeFilter(undefined, [])).toBeUndefined();
    expect(composeFilter({ all: [] }, [])).toBeUndefined();
  });

  it('passes the builder group through alone', () => {
    expect(composeFilter(group, [])).toEqual(group);
  });

  it('ANDs level chips with the builder group', () => {
    expect(composeFilter(group, ['error', 'warning'])).toEqual({
      all: [group, { field: 'level', op: 'in', value: ['error', 'warning'] }],
    });
  });
});
