-- PostgreSQL only, run after V14__chains.sql: the shared store is where several servers meet, so it decides.
-- A record's identity (tenant, id) is stored once: of two servers appending the same record at once, the second's
-- append fails here and its writer answers that record as a duplicate or conflict (docs/ledger.md). The index tells
-- a NULL tenant from an empty one. The single writer kept ids unique before, so existing ledgers satisfy it.
CREATE UNIQUE INDEX ledger_records_identity ON ledger_records (id, (tenant IS NULL), coalesce(tenant, ''));

-- One record per chain position: two servers given one instance id fail on their second append instead of forking
-- the chain. Also each chain's head lookup (ORDER BY position DESC LIMIT 1).
CREATE UNIQUE INDEX ledger_records_chain_position ON ledger_records (coalesce(chain, ''), coalesce(chain_seq, seq));

CREATE UNIQUE INDEX ledger_chains_chain ON ledger_chains (chain);

-- Each server reads the latest root before sealing one (every 10 s): ORDER BY sealed_at DESC LIMIT 1.
CREATE INDEX ledger_roots_sealed_at ON ledger_roots (sealed_at);
