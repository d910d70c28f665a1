-- PostgreSQL only. A record's identity is (tenant, id): one id may be stored once per tenant (docs/ledger.md), so a
-- figure set belongs to its record's seq, not to an id. One set per record and version, as before; a ledger written
-- before this migration has one record per id, so its sets already satisfy the new index.
DROP INDEX ledger_figure_sets_id_version;
CREATE UNIQUE INDEX ledger_figure_sets_seq_version ON ledger_figure_sets (seq, methodology_version);
