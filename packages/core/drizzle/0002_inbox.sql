CREATE TABLE "inbox_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"protocol" text NOT NULL,
	"mailbox" text,
	"uid_validity" bigint,
	"uid" bigint,
	"uidl" text,
	"message_id_header" text,
	"from_address" text,
	"from_name" text,
	"to" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cc" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"date" timestamp with time zone,
	"text" text,
	"html" text,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"size" integer NOT NULL,
	"raw" text NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incoming_state" (
	"account_id" text PRIMARY KEY NOT NULL,
	"mailbox" text,
	"uid_validity" bigint,
	"last_uid" bigint DEFAULT 0 NOT NULL,
	"last_polled_at" timestamp with time zone,
	"next_poll_at" timestamp with time zone,
	"last_error" jsonb,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD CONSTRAINT "inbox_messages_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incoming_state" ADD CONSTRAINT "incoming_state_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbox_account_fetched_idx" ON "inbox_messages" USING btree ("account_id","fetched_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_imap_uid_uq" ON "inbox_messages" USING btree ("account_id","mailbox","uid_validity","uid") WHERE "inbox_messages"."uid" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_pop3_uidl_uq" ON "inbox_messages" USING btree ("account_id","uidl") WHERE "inbox_messages"."uidl" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_message_id_uq" ON "inbox_messages" USING btree ("account_id","message_id_header") WHERE "inbox_messages"."message_id_header" is not null;