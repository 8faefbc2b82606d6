-- The webhook dispatchers on Postgres hold their deliveries in one row each (issue 14): a claim reads the
-- due deliveries past those held by live rows and writes its own row, instead of rewriting every claimed
-- delivery with a lease (a non-HOT update through six indexes per delivery).
CREATE TABLE "webhook_claims" (
	"lease_owner" text PRIMARY KEY NOT NULL,
	"lease_expires_at" timestamp with time zone NOT NULL,
	"delivery_ids" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
