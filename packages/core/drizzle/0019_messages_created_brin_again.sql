-- 0017 dropped the block-range index of 0016; without it the planner reads a product word through the
-- trigram index alone and visits every match to test its time (139 ms for 16,668 matches at a million,
-- against 60 ms through the range index even where updates had widened its ranges). Back as in 0016; what
-- widens its ranges is written down in docs/PERFORMANCE.md ("A million rows").
CREATE INDEX IF NOT EXISTS "messages_created_brin_idx" ON "messages" USING brin ("created_at") WITH (pages_per_range = 32, autosummarize = on);
