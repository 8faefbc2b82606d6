ALTER TABLE "webhook_deliveries" ADD COLUMN "last_attempt_id" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_duration_ms" integer;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_ok" boolean;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_message" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_snippet" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_worker" text;