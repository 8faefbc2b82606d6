import { eq, sql } from 'drizzle-orm';
import type { AccountRow } from '../accounts/types';
import type { Db } from '../db/client';
import { accounts } from '../db/schema';

const prepareById = (db: Db) =>
  db
    .select()
    .from(accounts)
    .where(eq(accounts.id, sql.placeholder('id')))
    .prepare('mailroom_send_account');

/**
 * The account rows sends name, for one database. Sends through the same account in one turn of the
 * event loop share one prepared lookup (and so do sends arriving while it runs); nothing is kept
 * after it answers, so a settings change is seen by the next turn's sends.
 */
export class AccountLookup {
  private readonly inFlight = new Map<string, Promise<AccountRow | undefined>>();
  private query: ReturnType<typeof prepareById> | undefined;

  constructor(private readonly db: Db) {}

  /** The account row for a send, or undefined when there is none. */
  get(accountId: string): Promise<AccountRow | undefined> {
    const shared = this.inFlight.get(accountId);
    if (shared) return shared;
    this.query ??= prepareById(this.db);
    const prepared = this.query;
    const lookup = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => prepared.execute({ id: accountId }))
      .then((rows) => rows[0])
      .finally(() => this.inFlight.delete(accountId));
    this.inFlight.set(accountId, lookup);
    return lookup;
  }
}
