-- The block-range index of 0016 stopped narrowing the outbox search's time windows once messages were
-- updated: each state change writes a new row version, which lands in free space anywhere in the heap, and
-- a recent creation time in an old block widens that range's summary for good. After a bench's 330,000
-- updates on the million-row table, an 8-day window's ranges covered 75,000 of 176,000 blocks (the search
-- rechecked 11,907 blocks for 1,367 rows: 256 ms). The btree on (created_at, id) gives the window's exact
-- rows instead, ANDed with the trigram index (48-61 ms with those dead versions still in it).
DROP INDEX IF EXISTS "messages_created_brin_idx";
