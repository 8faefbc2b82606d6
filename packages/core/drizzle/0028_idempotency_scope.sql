-- An Idempotency-Key belongs to whoever sent it: an API token (by id: two tokens may share a name, and
-- the key was kept under the sender's label, `token:<name>`, so a same-named token of an admin got the
-- other's message back), or a signed-in user (by id). The new column is added without a value (no
-- rewrite, no backfill under the table's lock): a key stored before keeps a null scope and is found
-- under its label for a day (outbox/store.ts findByIdempotencyKey). The unique index is built in the
-- migration's transaction: a scan of the messages, writes to them waiting meanwhile (seconds at a
-- million rows).
ALTER TABLE "messages" ADD COLUMN "idempotency_scope" text;--> statement-breakpoint
DROP INDEX "messages_idempotency_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "messages_idempotency_uq" ON "messages" USING btree ("idempotency_scope","idempotency_key") WHERE "messages"."idempotency_key" is not null;
