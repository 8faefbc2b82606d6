DROP INDEX "inbox_account_fetched_idx";--> statement-breakpoint
DROP INDEX "logs_at_idx";--> statement-breakpoint
DROP INDEX "logs_account_at_idx";--> statement-breakpoint
DROP INDEX "logs_source_at_idx";--> statement-breakpoint
DROP INDEX "messages_account_idx";--> statement-breakpoint
DROP INDEX "messages_created_idx";--> statement-breakpoint
CREATE INDEX "inbox_fetched_idx" ON "inbox_messages" USING btree ("fetched_at","id");--> statement-breakpoint
CREATE INDEX "logs_level_at_idx" ON "logs" USING btree ("level","at","id");--> statement-breakpoint
CREATE INDEX "messages_status_created_idx" ON "messages" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "messages_bulk_idx" ON "messages" USING btree ("bulk_id","created_at","id") WHERE "messages"."bulk_id" is not null;--> statement-breakpoint
CREATE INDEX "inbox_account_fetched_idx" ON "inbox_messages" USING btree ("account_id","fetched_at","id");--> statement-breakpoint
CREATE INDEX "logs_at_idx" ON "logs" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "logs_account_at_idx" ON "logs" USING btree ("account_id","at","id");--> statement-breakpoint
CREATE INDEX "logs_source_at_idx" ON "logs" USING btree ("source","at","id");--> statement-breakpoint
CREATE INDEX "messages_account_idx" ON "messages" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "messages_created_idx" ON "messages" USING btree ("created_at","id");--> statement-breakpoint
-- Trigram indexes for the lists' text search (q), where pg_trgm can be had: a plain Postgres server has
-- it (trusted since PostgreSQL 13), PGlite has it when Mailroom loads it (db/client.ts). Where it cannot
-- be created, q still works, by scanning. Each expression is the one the list queries search
-- (outbox/listMessages.ts messageSearchText, logs/queryLogs.ts logSearchText, incoming/inbox.ts
-- inboxSearchText): the planner uses the index only for the same expression.
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN others THEN
    RAISE NOTICE 'pg_trgm is not available (%): text search in lists scans instead', SQLERRM;
  END;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX IF NOT EXISTS messages_search_trgm_idx ON messages USING gin (
      (subject || E'\n' || from_address || E'\n' || "to"::text || E'\n' || cc::text || E'\n' || bcc::text) gin_trgm_ops
    );
    CREATE INDEX IF NOT EXISTS logs_search_trgm_idx ON logs USING gin (
      (message || E'\n' || coalesce(actor, '')) gin_trgm_ops
    );
    CREATE INDEX IF NOT EXISTS inbox_search_trgm_idx ON inbox_messages USING gin (
      (subject || E'\n' || coalesce(from_address, '') || E'\n' || coalesce(from_name, '') || E'\n' || "to"::text) gin_trgm_ops
    );
  END IF;
END $$;
