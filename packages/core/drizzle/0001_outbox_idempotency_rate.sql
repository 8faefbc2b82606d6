ALTER TABLE "message_attempts" ADD COLUMN "account_id" text;--> statement-breakpoint
ALTER TABLE "message_attempts" ADD COLUMN "response_code" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "request_hash" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "bulk_id" text;--> statement-breakpoint
CREATE INDEX "message_attempts_account_idx" ON "message_attempts" USING btree ("account_id","at");