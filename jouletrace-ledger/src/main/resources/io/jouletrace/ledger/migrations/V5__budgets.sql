-- Energy and carbon budgets (docs/budgets.md). Configuration, not ledger content: set replaces a budget by name
-- and delete removes it, and neither touches the hash chain. The name is unique: the store deletes and inserts in
-- one transaction (PostgreSQL also has a unique index; DuckDB gets none, like the other tables).
CREATE TABLE budgets (
  name VARCHAR NOT NULL,
  scope_kind VARCHAR NOT NULL,    -- tenant | team | cost_center
  scope_value VARCHAR NOT NULL,
  quantity VARCHAR NOT NULL,      -- energy (limit in kWh) | carbon (limit in gCO2e)
  limit_value FLOAT8 NOT NULL,
  period VARCHAR NOT NULL,        -- day | week | month, UTC calendar periods
  mode VARCHAR NOT NULL,          -- advisory | gate
  created_at TIMESTAMP NOT NULL
);
