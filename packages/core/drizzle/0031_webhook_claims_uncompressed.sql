-- A dispatcher's claim row is rewritten by each of its claims: hundreds of delivery ids, stored out of
-- line. Compressing them cost 0.5 ms of the backend's CPU per rewrite of 512 ids; stored uncompressed,
-- 0.1 ms (docs/PERFORMANCE.md, session 13).
ALTER TABLE "webhook_claims" ALTER COLUMN "delivery_ids" SET STORAGE EXTERNAL;
