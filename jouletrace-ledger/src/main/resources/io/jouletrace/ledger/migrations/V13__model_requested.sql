-- The model the client asked for (an alias such as gpt-4o) beside the one that served the call (`model`, which the
-- figures are for): docs/ledger.md, "Requested and served model"; null for records written before it was kept and where
-- the source did not say. Appended last: the bulk writers follow table order.
ALTER TABLE ledger_records ADD COLUMN model_requested VARCHAR;
