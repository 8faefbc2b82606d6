DROP INDEX "webhook_attempts_at_idx";--> statement-breakpoint
DROP INDEX "webhook_deliveries_created_idx";