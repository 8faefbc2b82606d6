ALTER TABLE "messages" ADD COLUMN "send_as" jsonb;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "display_name" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "sending_address" text;--> statement-breakpoint
-- Messages sent before partially_sent existed that some recipients refused for good were stored as
-- 'sent'; their per-recipient results say so exactly, so they are reclassified: reports, tabs and
-- filters then tell the same truth about old mail as about new.
UPDATE "messages" SET "status" = 'partially_sent'
WHERE "status" = 'sent' AND "recipients" @> '[{"status":"rejected"}]'::jsonb;
