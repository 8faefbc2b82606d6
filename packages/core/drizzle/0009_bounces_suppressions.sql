CREATE TABLE "recipient_events" (
	"id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"address" text NOT NULL,
	"state" text NOT NULL,
	"bounce_kind" text,
	"status" text,
	"diagnostic" text,
	"reporting_mta" text,
	"remote_mta" text,
	"correlation" text NOT NULL,
	"inbox_message_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"id" text PRIMARY KEY NOT NULL,
	"address" text NOT NULL,
	"team_id" text,
	"reason" text NOT NULL,
	"source" text NOT NULL,
	"message_id" text,
	"detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text
);
--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD COLUMN "kind" text DEFAULT 'mail' NOT NULL;--> statement-breakpoint
ALTER TABLE "recipient_events" ADD CONSTRAINT "recipient_events_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recipient_events_message_idx" ON "recipient_events" USING btree ("message_id","at");--> statement-breakpoint
CREATE INDEX "recipient_events_address_idx" ON "recipient_events" USING btree ("address","at");--> statement-breakpoint
CREATE UNIQUE INDEX "suppressions_system_uq" ON "suppressions" USING btree ("address") WHERE "suppressions"."team_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "suppressions_team_uq" ON "suppressions" USING btree ("team_id","address") WHERE "suppressions"."team_id" is not null;--> statement-breakpoint
CREATE INDEX "suppressions_created_idx" ON "suppressions" USING btree ("created_at");