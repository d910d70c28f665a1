-- A cluster's team × model × hour totals (docs/scale-out.md), written by `jouletrace stream sink` from the topology's
-- aggregates topic. Derived data, outside the hash chain. One row per aggregate_key (team|model|window start): each
-- update on the topic carries its window's running totals, so the sink replaces the row, and a message delivered
-- again writes the same row (idempotent). Energy (J) and carbon (g) per tier, NULL where no call of that tier had a
-- known figure; unrated calls (unknown energy) are counted apart with their tokens, never as 0 J.
CREATE TABLE stream_aggregates (
  aggregate_key VARCHAR PRIMARY KEY,
  team VARCHAR, model VARCHAR NOT NULL, window_start TIMESTAMP NOT NULL,
  calls BIGINT NOT NULL,
  energy_j_measured FLOAT8, energy_j_modelled FLOAT8, energy_j_estimated FLOAT8,
  carbon_g_measured FLOAT8, carbon_g_modelled FLOAT8, carbon_g_estimated FLOAT8,
  unrated_calls BIGINT NOT NULL, unrated_tokens BIGINT NOT NULL
);
