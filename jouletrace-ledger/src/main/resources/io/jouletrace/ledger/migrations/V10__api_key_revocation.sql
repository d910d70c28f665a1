-- API keys can be revoked (a revoked key stays listed, with when) and bound to a team and a cost center, which the
-- server then stamps on the key's records and gateway calls (docs/server.md, "API keys"). Configuration, not chained.
ALTER TABLE api_keys ADD COLUMN team VARCHAR;
ALTER TABLE api_keys ADD COLUMN cost_center VARCHAR;
ALTER TABLE api_keys ADD COLUMN revoked_at TIMESTAMP;
