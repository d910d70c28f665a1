package io.jouletrace.ledger.store;

import io.jouletrace.ledger.FigureSet;
import io.jouletrace.ledger.LedgerEntry;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Where the ledger lives. One writer at a time appends; {@link #append} is atomic and durable when
 * it returns (a crash before that loses the whole batch and nothing else).
 */
public interface Store extends AutoCloseable {

  /** The last entry's seq and hash; seq 0 and the genesis hash when empty. */
  Head head();

  /** Every stored record's id fingerprint, for the writer's duplicate pre-check. */
  void forEachFingerprint(LongConsumer fingerprints);

  /** Which of {@code candidates} (id, fingerprint) are stored: the exact check behind a fingerprint hit. */
  Set<String> existingIds(Collection<Candidate> candidates);

  /** Appends entries in one transaction. */
  void append(Collection<LedgerEntry> entries);

  /** Every entry in seq order. */
  void scan(Consumer<LedgerEntry> consumer);

  /** Ids (with their seq and hash) that have no figure set yet under {@code methodologyVersion}, in seq order. */
  void scanMissingFigureSets(String methodologyVersion, Consumer<LedgerEntry> consumer);

  void appendFigureSets(Collection<StoredFigureSet> figureSets);

  /** Every backfilled figure set with the entry it figures, in seq order. */
  void scanFigureSets(BiConsumer<LedgerEntry, StoredFigureSet> consumer);

  Optional<String> meta(String key);

  void putMeta(String key, String value);

  /** A human-readable location, e.g. the DuckDB file or the PostgreSQL URL without password. */
  String describe();

  @Override
  void close();

  record Head(long seq, String hash) {}

  record Candidate(String id, long fingerprint) {}

  /** A backfilled figure set: the figures of record {@code id} under another methodology version. */
  record StoredFigureSet(String id, long seq, FigureSet figures, String hash) {}
}
