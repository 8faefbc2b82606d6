import type { Ctx } from '../context';
import { accounts } from '../db/schema';
import { parseInput } from '../errors';
import { newId } from '../ids';
import { type AccountView, accountInputSchema } from '../schemas/account';
import { assertCanWrite } from './access';
import { applySecretChanges, splitSecrets, withDefaultPort } from './codec';
import { viewOf } from './load';
import { assertNameFree, assertOutgoingAllowed, assertSecretsPresent, assertTeamExists } from './rules';
import { addTimelineEvent } from './timeline';

/** Creates a mail account (stage active), encrypting its secrets; returns the view without secrets. */
export async function createAccount({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AccountView> {
  const doc = parseInput(accountInputSchema, input);
  assertCanWrite(ctx.actor, doc.teamId);
  assertOutgoingAllowed(ctx, doc.outgoing);
  const outgoingDoc = doc.outgoing ? withDefaultPort(doc.outgoing) : null;
  const incomingDoc = doc.incoming ? withDefaultPort(doc.incoming) : null;
  const { outgoing, incoming, changes } = splitSecrets({ outgoing: outgoingDoc, incoming: incomingDoc });
  const secrets = applySecretChanges(ctx.secrets, {}, changes, { outgoing, incoming });
  assertSecretsPresent({ outgoing: outgoingDoc, incoming: incomingDoc }, new Set(Object.keys(secrets)));

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
      outgoing: outgoing ? summarizePart(outgoing) : null,
      incoming: incoming ? summarizePart(incoming) : null,
      credentialsStored: Object.keys(secrets),
    });
    return viewOf(tx, row!);
  });
}

function summarizePart(part: Record<string, unknown>): Record<string, unknown> {
  const { transport, protocol, host, port, security, domain } = part as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries({ transport, protocol, host, port, security, domain }).filter(([, v]) => v !== undefined),
  );
}
