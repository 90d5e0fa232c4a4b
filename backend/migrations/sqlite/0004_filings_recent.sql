-- 备案查询 lists both kinds newest first: without a kind condition filings_list (enterprise_id,
-- kind, created_at) cannot give that order and every filing of the enterprise was sorted
-- (make bench, BENCHMARKS.md "Query plans").
CREATE INDEX filings_recent ON filings (enterprise_id, created_at);
