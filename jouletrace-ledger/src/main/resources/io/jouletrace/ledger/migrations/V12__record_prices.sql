-- The list price applied when each record was written (docs/ledger.md, "Stored prices"); null for records written
-- before prices were kept. Rates are kept as the exact decimal text the hash covers. Appended last: the bulk writers
-- follow table order.
ALTER TABLE ledger_records ADD COLUMN price_currency VARCHAR;
ALTER TABLE ledger_records ADD COLUMN price_input_per_1m VARCHAR;
ALTER TABLE ledger_records ADD COLUMN price_output_per_1m VARCHAR;
ALTER TABLE ledger_records ADD COLUMN price_source VARCHAR;
ALTER TABLE ledger_records ADD COLUMN price_as_of VARCHAR;
