-- The outbox's text search within one team (or the system's messages, of no team) reads the team in the
-- same GIN index as the trigrams: the index of 0010 becomes (the team or '', the search text), with
-- btree_gin for the team's key (a trusted contrib module, like pg_trgm; PGlite loads it, db/client.ts).
-- Before, the team was tested on each match of the word: at a million messages, a team with a product
-- word read 5,002 rows to count 1,001 of its matches (28 ms) and ANDed the team's btree into its window
-- (20 ms); with the team in the index, 3,334 entries come out of the index and the count reads 1,001 rows
-- (8 ms), the window 13 ms (docs/PERFORMANCE.md "Session 12"). A search without a team reads the same
-- index by its second column, as before (GIN serves any of its columns). The same name, the same pending
-- list (0026) and statistics target (0023, now on the second column). Rebuilt here: 26 s at a million
-- messages on 2 cores, during which the table takes no writes. Where pg_trgm or btree_gin is missing,
-- the index stays as it was (or absent): q still works.
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS btree_gin;
  EXCEPTION WHEN others THEN
    RAISE NOTICE 'btree_gin is not available (%): a team''s text search tests the team on each match', SQLERRM;
  END;
  IF to_regclass('messages_search_trgm_idx') IS NOT NULL
    AND EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gin') THEN
    DROP INDEX messages_search_trgm_idx;
    CREATE INDEX messages_search_trgm_idx ON messages USING gin (
      (coalesce(team_id, '')),
      (subject || E'\n' || from_address || E'\n' || "to"::text || E'\n' || cc::text || E'\n' || bcc::text) gin_trgm_ops
    ) WITH (gin_pending_list_limit = 256);
    ALTER INDEX messages_search_trgm_idx ALTER COLUMN 2 SET STATISTICS 500;
  END IF;
END $$;
