-- PostgreSQL only, run after V1__ledger.sql: the indexes the store's lookups need.
-- PostgreSQL checks a unique index per row at B-tree insert cost, so here uniqueness is also enforced:
-- a second writer appending at the same time fails on seq instead of forking the chain.

-- The head (ORDER BY seq DESC LIMIT 1) and the verifier's scan in seq order.
CREATE UNIQUE INDEX ledger_records_seq ON ledger_records (seq);

-- The writer's duplicate lookup: id_fp = ANY(fingerprints), exact ids compared after.
CREATE INDEX ledger_records_id_fp ON ledger_records (id_fp);

-- Backfill's "no figure set yet under this version" anti-join; one set per record and version.
CREATE UNIQUE INDEX ledger_figure_sets_id_version ON ledger_figure_sets (id, methodology_version);

CREATE UNIQUE INDEX ledger_meta_key ON ledger_meta (key);
