-- The releases of the bundled datasets that figured each figure set (docs/zones.md, "Dataset releases");
-- null for figures stored before they were recorded. Appended last to both tables: the bulk writers follow table order.
ALTER TABLE ledger_records ADD COLUMN datasets VARCHAR;
ALTER TABLE ledger_figure_sets ADD COLUMN datasets VARCHAR;
