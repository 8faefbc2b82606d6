-- The outbox's trigram index (0010) also holds each message's team and creation time, so a text search
-- reads out of it only the matches it wants: the index becomes (the team or '', the 8-day span since 1970
-- the message was created in, the search text), with btree_gin for the first two keys (a trusted contrib
-- module, like pg_trgm; PGlite loads it, db/client.ts). Before, the index gave a word's matches in all of
-- history: a search's window ANDed them with the time's btree (every message of those days, the queue's
-- too), and a team's search tested each match for the team. At a million messages (docs/PERFORMANCE.md
-- "Session 12"): the 8-day window of `invoice` 66 ms, now 13 (2,319 entries out of the index, not 62,500
-- ANDed with 138,000); a product word's 16 ms, now 3.5; a team with a product word counted 1,001 of its
-- matches reading 5,002 rows (28 ms), now 1,001 (8 ms). outbox/listMessages.ts names a window's spans in
-- the same expression. A search with neither reads the index by its third column, as before (GIN serves
-- any of its columns). The same name, the same short pending list (0026) and statistics target (0023,
-- now on the third column). Rebuilt here: about 30 s at a million messages on 2 cores, during which the table
-- takes no writes. Where pg_trgm or btree_gin is missing, the index stays as it was (or absent), and q
-- still works (the span is then tested on each row).
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS btree_gin;
  EXCEPTION WHEN others THEN
    RAISE NOTICE 'btree_gin is not available (%): the outbox''s text search reads its trigram index alone', SQLERRM;
  END;
  IF to_regclass('messages_search_trgm_idx') IS NOT NULL
    AND EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gin') THEN
    DROP INDEX messages_search_trgm_idx;
    CREATE INDEX messages_search_trgm_idx ON messages USING gin (
      (coalesce(team_id, '')),
      ((floor(extract(epoch from (created_at - timestamptz '1970-01-01 00:00:00+00')) / 691200))::int),
      (subject || E'\n' || from_address || E'\n' || "to"::text || E'\n' || cc::text || E'\n' || bcc::text) gin_trgm_ops
    ) WITH (gin_pending_list_limit = 256);
    ALTER INDEX messages_search_trgm_idx ALTER COLUMN 3 SET STATISTICS 500;
  END IF;
END $$;
