-- How many messages a text search matches is what decides its plan, and Postgres estimates it for `ilike
-- '%word%'` from the sampled values of the search expression (the trigram index's column, 0010). At the
-- default 100 a word in one message of 60 is in one or two of them, or in none: `monitor` was then
-- estimated at 132 matches against 16,666, and its 8-day window read every match (1,437 ms) instead of
-- ANDing the time index (37 ms). With 500 values all 30 product words of the bench were planned right
-- (29-69 ms); ANALYZE of a million messages then takes 9.0 s instead of 1.6 (4.2 at 300, 12.3 at
-- 1,000), and planning a search 0.6-0.65 ms instead of 0.35. Applies from the next ANALYZE (autovacuum's
-- on Postgres; on PGlite the retention job's). Where pg_trgm (so the index) is missing, nothing to do.
DO $$
BEGIN
  IF to_regclass('messages_search_trgm_idx') IS NOT NULL THEN
    ALTER INDEX messages_search_trgm_idx ALTER COLUMN 1 SET STATISTICS 500;
  END IF;
END $$;
