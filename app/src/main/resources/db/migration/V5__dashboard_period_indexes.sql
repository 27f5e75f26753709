-- The dashboard's all-domain queries (overview, TLS totals and failures) select by period alone
-- (begin_ts >= ? AND begin_ts < ?); the indexes of V1 lead with domain, so those queries read whole tables. With a
-- year of reports a 30-day period is a twelfth of them (bench/dashboard-p95: the overview on PostgreSQL went from a
-- sequential scan of every row to an index range scan).
CREATE INDEX aggregate_row_begin ON aggregate_row (begin_ts);
CREATE INDEX aggregate_report_begin ON aggregate_report (begin_ts);
CREATE INDEX tlsrpt_report_begin ON tlsrpt_report (begin_ts);
