-- API keys of the server (docs/server.md): only a SHA-256 of each key is stored; the key is shown once when made.
-- role 'admin' sees everything; role 'tenant' sees and writes only its tenant. Configuration, not part of the chain.
CREATE TABLE api_keys (
  key_sha256 VARCHAR NOT NULL,
  role VARCHAR NOT NULL,
  tenant VARCHAR,
  label VARCHAR,
  created_at TIMESTAMP NOT NULL
);
