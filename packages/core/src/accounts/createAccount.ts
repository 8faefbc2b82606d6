import type { Ctx } from '../context';
import { accounts } from '../db/schema';
import { parseInput } from '../errors';
import { newId } from '../ids';
import {
  type AccountView,
  accountInputSchema,
  type IncomingStored,
  type OutgoingStored,
} from '../schemas/account';
import { outgoingSummary } from '../transports/summaries';
import { assertCanWrite } from './access';
import { applySecretChanges, completeIncoming, completeOutgoing, outgoingView, splitSecrets } from './codec';
import { viewOf } from './load';
import { assertNameFree, assertOutgoingAllowed, assertSecretsPresent, assertTeamExists } from './rules';
import { addTimelineEvent } from './timeline';

/** Creates a mail account (stage active), encrypting its secrets; returns the view without secrets. */
export async function createAccount({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AccountView> {
  const doc = parseInput(accountInputSchema, input);
  assertCanWrite(ctx.actor, doc.teamId);
  const outgoingDoc = doc.outgoing ? completeOutgoing(doc.outgoing) : null;
  const incomingDoc = doc.incoming ? completeIncoming(doc.incoming) : null;
  assertOutgoingAllowed(ctx, outgoingDoc);
  const { outgoing, incoming, changes } = splitSecrets({ outgoing: outgoingDoc, incoming: incomingDoc });
  const secrets = applySecretChanges(ctx.secrets, {}, changes, { outgoing, incoming });
  assertSecretsPresent({ outgoing, incoming }, new Set(Object.keys(secrets)));

  return ctx.db.transaction(async (tx) => {
    await assertTeamExists(tx, doc.teamId);
    await assertNameFree(tx, doc.name);
    const now = ctx.now();
    const [row] = await tx
      .insert(accounts)
      .values({
        id: newId(),
        name: doc.name,
        label: doc.label ?? null,
        purpose: doc.purpose,
        teamId: doc.teamId,
        stage: 'active',
        debug: doc.debug,
        outgoing,
        incoming,
        secrets,
        createdAt: now,
        createdBy: ctx.actor.label,
        updatedAt: now,
        updatedBy: ctx.actor.label,
      })
      .returning();
    await addTimelineEvent(ctx, tx, row!.id, 'created', `Account "${doc.name}" created`, {
      outgoing: outgoing
        ? { ...summarizePart(outgoing), endpoint: outgoingSummary(outgoingView(outgoing, {}, null)).endpoint }
        : null,
      incoming: incoming ? summarizePart(incoming) : null,
      credentialsStored: Object.keys(secrets),
    });
    return viewOf(tx, row!);
  });
}

/** What the timeline's `created` event says of a part: its kind and where it connects (no secrets). */
function summarizePart(part: OutgoingStored | IncomingStored): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of ['transport', 'protocol', 'host', 'port', 'security', 'domain'] as const) {
    if (key in part) picked[key] = Reflect.get(part, key);
  }
  return picked;
}
