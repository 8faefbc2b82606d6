ALTER TABLE "api_tokens" ADD COLUMN "user_id" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "must_change_password" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
-- Tokens made before this migration name their creator only by email: tie each to that user, so
-- disabling or deleting the user stops the tokens they made.
UPDATE "api_tokens" SET "user_id" = "users"."id" FROM "users" WHERE "api_tokens"."created_by" = "users"."email" AND "api_tokens"."user_id" IS NULL;
