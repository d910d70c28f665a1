-- A daily rollup of report_figures for summaries (docs/reports.md): composition rows (calls grouped by the scope
-- fields, the UTC day and their tiers and bands, with plain sums) that summaries read instead of every record when
-- they need neither hours nor traces. Derived data, outside the hash chain: the ledger is append-only, so the rollup
-- only ever adds the records after through_seq; a new measured figure set (which replaces an old record's figures
-- in report_figures) makes it start over. ts is the day's midnight, so report filters and buckets read it unchanged.
CREATE TABLE report_rollup_day (
  ts TIMESTAMP NOT NULL,
  tenant VARCHAR, team VARCHAR, cost_center VARCHAR, model VARCHAR, provider VARCHAR, region VARCHAR, zone VARCHAR,
  intensity_zone VARCHAR, operation VARCHAR,
  energy_tier VARCHAR, energy_band VARCHAR, carbon_tier VARCHAR, carbon_band VARCHAR,
  calls BIGINT NOT NULL,
  energy_j_low FLOAT8, energy_j_high FLOAT8, carbon_g_low FLOAT8, carbon_g_high FLOAT8,
  input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL
);

-- through_seq: the records rolled up; measured_sets: how many measured figure sets there were when they were.
-- target_seq, target_measured_sets: what a refresh in progress read once at its start and rolls up to.
CREATE TABLE report_rollup_state (through_seq BIGINT NOT NULL, measured_sets BIGINT NOT NULL, target_seq BIGINT NOT NULL,
  target_measured_sets BIGINT NOT NULL);
INSERT INTO report_rollup_state VALUES (0, 0, 0, 0);
