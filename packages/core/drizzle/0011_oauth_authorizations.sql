CREATE TABLE "oauth_authorizations" (
	"id" text PRIMARY KEY NOT NULL,
	"flow" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"account_id" text,
	"provider" text,
	"client_id" text NOT NULL,
	"endpoints" jsonb NOT NULL,
	"state_hash" text,
	"redirect_uri" text,
	"secrets" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"interval" integer,
	"identity" text,
	"error" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"completed_at" timestamp with time zone,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "oauth_authorizations" ADD CONSTRAINT "oauth_authorizations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "oauth_authorizations_state_uq" ON "oauth_authorizations" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "oauth_authorizations_account_idx" ON "oauth_authorizations" USING btree ("account_id");