-- Reports, filters and budgets name a call by the model its client asked for (model_requested, V13: an alias such as
-- gpt-4o), else by the model that served it; the served name (a dated snapshot such as gpt-4o-2024-08-06) is the new
-- last column, model_served (docs/reports.md). Records without a requested name read exactly as before, so existing
-- rollups stay true. Column names and order are V3's with one column appended, as PostgreSQL's OR REPLACE requires.
CREATE OR REPLACE VIEW report_figures AS
SELECT r.seq, r.id, r.ts, r.tenant, r.team, r.cost_center, r.trace_id, r.provider, coalesce(r.model_requested, r.model) AS model, r.operation,
  r.input_tokens, r.output_tokens, r.zone, r.region, r.latency_s,
  CASE WHEN m.id IS NULL THEN r.methodology_version ELSE m.methodology_version END AS methodology_version,
  CASE WHEN m.id IS NULL THEN r.model_resolved ELSE m.model_resolved END AS model_resolved,
  CASE WHEN m.id IS NULL THEN r.energy_j_low ELSE m.energy_j_low END AS energy_j_low,
  CASE WHEN m.id IS NULL THEN r.energy_j_high ELSE m.energy_j_high END AS energy_j_high,
  CASE WHEN m.id IS NULL THEN r.energy_tier ELSE m.energy_tier END AS energy_tier,
  CASE WHEN m.id IS NULL THEN r.energy_band ELSE m.energy_band END AS energy_band,
  CASE WHEN m.id IS NULL THEN r.carbon_g_low ELSE m.carbon_g_low END AS carbon_g_low,
  CASE WHEN m.id IS NULL THEN r.carbon_g_high ELSE m.carbon_g_high END AS carbon_g_high,
  CASE WHEN m.id IS NULL THEN r.carbon_tier ELSE m.carbon_tier END AS carbon_tier,
  CASE WHEN m.id IS NULL THEN r.carbon_band ELSE m.carbon_band END AS carbon_band,
  CASE WHEN m.id IS NULL THEN r.intensity_used_g_per_kwh ELSE m.intensity_used_g_per_kwh END AS intensity_used_g_per_kwh,
  CASE WHEN m.id IS NULL THEN r.intensity_source ELSE m.intensity_source END AS intensity_source,
  CASE WHEN m.id IS NULL THEN r.intensity_zone ELSE m.intensity_zone END AS intensity_zone,
  r.methodology_version AS modelled_methodology_version,
  r.energy_j_low AS modelled_energy_j_low, r.energy_j_high AS modelled_energy_j_high, r.energy_tier AS modelled_energy_tier,
  r.hash,
  r.model AS model_served
FROM ledger_records r
LEFT JOIN ledger_figure_sets m ON m.seq = r.seq AND m.methodology_version = 'measured-1';
