-- A block-range index on the outbox's creation time, for the time windows a text search looks in first
-- (outbox/listMessages.ts): rows are appended in time order, so the blocks of the newest day or week are a
-- few ranges, found in under a millisecond where the btree read every entry of the window (35-55 ms with
-- 100,000 queued messages in it). Kept tiny (a few hundred kB at a million rows); new ranges are
-- summarized as they fill, and a range not yet summarized is always read (never a row missed).
CREATE INDEX IF NOT EXISTS "messages_created_brin_idx" ON "messages" USING brin ("created_at") WITH (pages_per_range = 32, autosummarize = on);
