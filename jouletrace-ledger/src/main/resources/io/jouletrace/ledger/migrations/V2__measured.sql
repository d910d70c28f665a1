-- The measured tier (docs/measured.md) and time-series signals.

-- A figure set made by attributing metered energy names the attribution run whose stored inputs reproduce it;
-- null for methodology (modelled/estimated) figure sets.
ALTER TABLE ledger_figure_sets ADD COLUMN attribution_run VARCHAR;

-- One row per attribution run. run_id is derived from inputs_sha256 (the digest of the stored samples, spans and
-- options), so attributing the same inputs twice finds the first run instead of counting it again.
CREATE TABLE attribution_runs (
  run_id VARCHAR NOT NULL,
  inputs_sha256 VARCHAR NOT NULL,
  options VARCHAR NOT NULL,
  samples BIGINT NOT NULL,
  spans BIGINT NOT NULL,
  created_at TIMESTAMP NOT NULL
);

-- The run's meter samples as read (value null = missing), in input order (ord); time in epoch nanoseconds.
CREATE TABLE attribution_samples (
  run_id VARCHAR NOT NULL,
  ord BIGINT NOT NULL,
  resource VARCHAR NOT NULL,
  t_ns BIGINT NOT NULL,
  kind VARCHAR NOT NULL,
  value FLOAT8
);

-- The run's spans in the span JSONL format, in input order.
CREATE TABLE attribution_spans (
  run_id VARCHAR NOT NULL,
  ord BIGINT NOT NULL,
  span VARCHAR NOT NULL
);

-- Grid-intensity (kind 'intensity', key = zone or region, gCO2e/kWh) and PUE (kind 'pue', key = facility) series.
-- Append-only; ord is the ingest order, so of two points at one time the later-ingested (a correction) wins.
-- after_seq is the ledger head seq when the point was stored: a record is figured only with points stored before it.
CREATE TABLE signal_points (
  ord BIGINT NOT NULL,
  after_seq BIGINT NOT NULL,
  kind VARCHAR NOT NULL,
  series_key VARCHAR NOT NULL,
  ts TIMESTAMP NOT NULL,
  value FLOAT8 NOT NULL,
  source VARCHAR NOT NULL
);
