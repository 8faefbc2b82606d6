CREATE TABLE "connection_test_records" (
	"id" text PRIMARY KEY NOT NULL,
	"actor" text NOT NULL,
	"direction" text NOT NULL,
	"settings_hash" text NOT NULL,
	"secrets" text NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "account_traffic" (
	"account_id" text NOT NULL,
	"direction" text NOT NULL,
	"ok" boolean NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"error_code" text,
	"response_code" integer,
	"reply" text,
	"summary" text NOT NULL,
	"message_id" text,
	CONSTRAINT "account_traffic_account_id_direction_ok_pk" PRIMARY KEY("account_id","direction","ok")
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "health_parts" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "incoming_state" ADD COLUMN "failure_streak" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "incoming_state" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incoming_state" ADD COLUMN "reported_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_traffic" ADD CONSTRAINT "account_traffic_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "connection_test_records_lookup_idx" ON "connection_test_records" USING btree ("actor","settings_hash");