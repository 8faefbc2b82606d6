-- The outbox's q as a whole address (outbox/listMessages.ts fromOrTo): messages from it or to it, by exact
-- index lookups instead of the trigram index (0.1 ms against 40-180 ms for an address among a million
-- messages, docs/PERFORMANCE.md "A million rows"). Addresses are stored as they were given, so both
-- indexes are on the lower-cased text and the query lower-cases the address it looks for.
CREATE INDEX IF NOT EXISTS "messages_recipients_idx" ON "messages" USING gin ((lower(("to" || "cc" || "bcc")::text)::jsonb) jsonb_path_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "messages_from_lower_idx" ON "messages" USING btree (lower("from_address"));
