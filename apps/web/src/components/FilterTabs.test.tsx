import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { describe, expect, it } from 'vitest';
import { mount } from '../test/mount';
import { FilterTabs } from './FilterTabs';

const tabs = [
  { value: '', label: 'All' },
  { value: 'sent', label: 'Sent' },
  { value: 'failed', label: 'Failed' },
];

/** The tabs as the Outbox draws them, inside a router at `url` (every tab shares its path). */
function show(url: string, current: string): HTMLElement {
  const history = createMemoryHistory();
  history.set({ value: url });
  const root = mount(() => (
    <MemoryRouter history={history}>
      <Route
        path="/outbox"
        component={() => (
          <FilterTabs
            label="Message status"
            tabs={tabs}
            current={current}
            href={(v) => `/outbox${v ? `?status=${v}` : ''}`}
          />
        )}
      />
    </MemoryRouter>
  ));
  return root;
}

const marked = (root: HTMLElement, selector: string) =>
  [...root.querySelectorAll(`nav[aria-label="Message status"] a${selector}`)].map((a) => a.textContent);

describe('FilterTabs', () => {
  it('marks only the tab of the current filter as the current page, and only it looks selected', () => {
    const root = show('/outbox?status=sent', 'sent');
    expect(marked(root, '')).toEqual(['All', 'Sent', 'Failed']);
    expect(marked(root, '[aria-current="page"]')).toEqual(['Sent']);
    expect(marked(root, '.active')).toEqual(['Sent']);
  });

  it('marks All when no filter is set', () => {
    const root = show('/outbox', '');
    expect(marked(root, '[aria-current="page"]')).toEqual(['All']);
    expect(marked(root, '.active')).toEqual(['All']);
  });
});
