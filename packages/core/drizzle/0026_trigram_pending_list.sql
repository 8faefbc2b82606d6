-- The trigram indexes of 0010 (where pg_trgm exists) keep a short pending list: 256 kB instead of GIN's
-- default 4 MB. Every new row, and every state change of a message (its status is indexed, so never a HOT
-- update), adds its ~150 trigrams to the list, and every text search reads the whole list besides the
-- index: at a million messages after the bench's accepts and drain, 385 pending pages made the `invoice`
-- trigram scan 77 ms instead of 57 (docs/PERFORMANCE.md "Session 9"). The list is merged into the index
-- when it is full, by the write that fills it: merged often, each merge is small; 10,000 inserts took
-- 2.72 s against 2.57 s with the default (and 4.98 s with no list at all, `fastupdate = off`).
DO $$
BEGIN
  IF to_regclass('messages_search_trgm_idx') IS NOT NULL THEN
    ALTER INDEX messages_search_trgm_idx SET (gin_pending_list_limit = 256);
    PERFORM gin_clean_pending_list('messages_search_trgm_idx'::regclass);
  END IF;
  IF to_regclass('logs_search_trgm_idx') IS NOT NULL THEN
    ALTER INDEX logs_search_trgm_idx SET (gin_pending_list_limit = 256);
    PERFORM gin_clean_pending_list('logs_search_trgm_idx'::regclass);
  END IF;
  IF to_regclass('inbox_search_trgm_idx') IS NOT NULL THEN
    ALTER INDEX inbox_search_trgm_idx SET (gin_pending_list_limit = 256);
    PERFORM gin_clean_pending_list('inbox_search_trgm_idx'::regclass);
  END IF;
END $$;
