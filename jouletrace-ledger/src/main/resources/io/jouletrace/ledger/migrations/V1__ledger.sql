-- The ledger: one row per invocation, append-only, numbered by seq and hash-chained.
-- No PRIMARY KEY / UNIQUE: DuckDB's per-row constraint path is ~1000x slower than an anti-join,
-- so uniqueness of id is kept by the single writer (see docs/ledger.md); seq is assigned by it too.
-- Types are the subset DuckDB and PostgreSQL share: VARCHAR, BIGINT, FLOAT8, TIMESTAMP (UTC, microseconds).
CREATE TABLE ledger_records (
  seq BIGINT NOT NULL,
  id VARCHAR NOT NULL,
  id_fp BIGINT NOT NULL,
  ts TIMESTAMP NOT NULL,
  tenant VARCHAR,
  team VARCHAR,
  cost_center VARCHAR,
  trace_id VARCHAR,
  provider VARCHAR NOT NULL,
  model VARCHAR NOT NULL,
  operation VARCHAR NOT NULL,
  input_tokens BIGINT,
  output_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT,
  cached_input_tokens BIGINT,
  latency_s FLOAT8,
  zone VARCHAR,
  region VARCHAR,
  intensity_g_per_kwh FLOAT8,
  source_ref VARCHAR,
  methodology_version VARCHAR NOT NULL,
  model_resolved VARCHAR,
  model_source VARCHAR,
  model_band VARCHAR,
  energy_j_low FLOAT8, energy_j_high FLOAT8, energy_tier VARCHAR, energy_band VARCHAR,
  carbon_g_low FLOAT8, carbon_g_high FLOAT8, carbon_tier VARCHAR, carbon_band VARCHAR,
  embodied_g_low FLOAT8, embodied_g_high FLOAT8, embodied_tier VARCHAR, embodied_band VARCHAR,
  water_l_low FLOAT8, water_l_high FLOAT8, water_tier VARCHAR, water_band VARCHAR,
  intensity_used_g_per_kwh FLOAT8,
  intensity_source VARCHAR,
  intensity_zone VARCHAR,
  null_reasons VARCHAR,
  hash VARCHAR NOT NULL
);

-- Figures of existing records under other methodology versions (backfill), keyed by (id, methodology_version).
CREATE TABLE ledger_figure_sets (
  id VARCHAR NOT NULL,
  seq BIGINT NOT NULL,
  methodology_version VARCHAR NOT NULL,
  model_resolved VARCHAR,
  model_source VARCHAR,
  model_band VARCHAR,
  energy_j_low FLOAT8, energy_j_high FLOAT8, energy_tier VARCHAR, energy_band VARCHAR,
  carbon_g_low FLOAT8, carbon_g_high FLOAT8, carbon_tier VARCHAR, carbon_band VARCHAR,
  embodied_g_low FLOAT8, embodied_g_high FLOAT8, embodied_tier VARCHAR, embodied_band VARCHAR,
  water_l_low FLOAT8, water_l_high FLOAT8, water_tier VARCHAR, water_band VARCHAR,
  intensity_used_g_per_kwh FLOAT8,
  intensity_source VARCHAR,
  intensity_zone VARCHAR,
  null_reasons VARCHAR,
  hash VARCHAR NOT NULL
);

CREATE TABLE ledger_meta (
  key VARCHAR NOT NULL,
  value VARCHAR NOT NULL
);
