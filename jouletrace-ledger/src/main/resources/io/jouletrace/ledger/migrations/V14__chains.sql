-- Several writers, one ledger (docs/ledger.md, "Many writers: one chain each"). Each record belongs to one chain:
-- `chain` names it (NULL: the default chain, which holds every record written before this migration) and `chain_seq`
-- is its position there, the seq its hash covers (NULL: the record's own seq, as for every record written before).
-- `seq` stays the ledger-wide order: unique, gap-free, in commit order. Appended last: the bulk writers follow table order.
ALTER TABLE ledger_records ADD COLUMN chain VARCHAR;
ALTER TABLE ledger_records ADD COLUMN chain_seq BIGINT;

-- Each chain's head (chain '' is the default chain), moved in the append's transaction: what a root seals, read
-- without scanning the records. Not trusted by verify, which checks every root against the chains themselves.
CREATE TABLE ledger_chains (
  chain VARCHAR NOT NULL,
  seq BIGINT NOT NULL,
  hash VARCHAR NOT NULL
);
INSERT INTO ledger_chains SELECT '', seq, hash FROM ledger_records WHERE seq = (SELECT max(seq) FROM ledger_records);

-- Roots sealing every chain's head at a time: `heads` is the text the root hashes (SHA-256), one `chain:seq:hash` line
-- per chain in chain-name order; `signature` is hmac-sha256:<hex> under the ledger key (NULL without a key).
CREATE TABLE ledger_roots (
  sealed_at TIMESTAMP NOT NULL,
  root VARCHAR NOT NULL,
  heads VARCHAR NOT NULL,
  signature VARCHAR
);
