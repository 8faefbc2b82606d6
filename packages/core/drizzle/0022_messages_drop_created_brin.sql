-- The block-range index of 0019 is right only while rows lie in the order they were created. Every state
-- change of a queued message writes a new row version (the status is indexed, so never a HOT update), and a
-- version that does not fit its own page goes to free space anywhere: a message drained today lands in a
-- page of last year, and that block range then matches every window for good (at a million, after one
-- drain of 100,000: an 8-day window read 27,738 blocks, 240 ms for the search of invoice). A text search
-- now ANDs the trigram index with the creation time's btree (messages_created_idx), exact whatever the
-- layout, with room for its bitmaps (db/client.ts withBitmapMemory).
DROP INDEX IF EXISTS "messages_created_brin_idx";--> statement-breakpoint
-- The room 0020 left on each page was for the block-range index; without it the room only leaves old pages
-- with free space that updates of new messages then fill. Pages written from now on are full again.
ALTER TABLE "messages" RESET (fillfactor);
