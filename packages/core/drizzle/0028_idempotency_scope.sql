-- An Idempotency-Key belongs to whoever sent it: an API token (by id: two tokens may share a name, and
-- the key was kept under the sender's label, `token:<name>`, so a same-named token of an admin got the
-- other's message back), or a signed-in user (by id). Keys stored before keep their label's namespace.
ALTER TABLE "messages" ADD COLUMN "idempotency_scope" text;--> statement-breakpoint
UPDATE "messages" SET "idempotency_scope" = 'label:' || "created_by" WHERE "idempotency_key" IS NOT NULL;--> statement-breakpoint
DROP INDEX "messages_idempotency_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "messages_idempotency_uq" ON "messages" USING btree ("idempotency_scope","idempotency_key") WHERE "messages"."idempotency_key" is not null;
