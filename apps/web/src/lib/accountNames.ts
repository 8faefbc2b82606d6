// Logs, outbox and reports show account ids; this turns them into names, loaded once per visit.
import type { AccountView } from '@mailroom/core/schemas';
import { createSignal } from 'solid-js';
import { listAccounts } from './accounts';

const [accounts, setAccounts] = createSignal<AccountView[]>([]);
let loading: Promise<void> | undefined;

/** Load (once) every account including deleted ones, for id → name and pickers. */
export function loadAccountNames(force = false): Promise<void> {
  if (!loading || force) {
    loading = listAccounts({ stage: 'all', pageSize: 500, sort: 'name' })
      .then((r) => {
        setAccounts(r.items);
      })
      .catch(() => {
        setAccounts([]);
      });
  }
  return loading as Promise<void>;
}

export { accounts as allAccounts };
export const accountName = (id: string | null | undefined) =>
  id ? (accounts().find((a) => a.id === id)?.name ?? id) : '—';
