-- PostgreSQL only, run after V2__measured.sql.
CREATE UNIQUE INDEX attribution_runs_id ON attribution_runs (run_id);
CREATE INDEX attribution_samples_run ON attribution_samples (run_id, ord);
CREATE INDEX attribution_spans_run ON attribution_spans (run_id, ord);
CREATE INDEX signal_points_key ON signal_points (kind, series_key, ts);
