package io.jouletrace.ledger;

import io.jouletrace.ledger.ingest.InputFiles;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordBounds;
import io.jouletrace.ledger.ingest.RecordReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams inputs into a ledger writer: each accepted record is queued, each rejected entry goes to
 * the rejects sink as {@code file:line: field: reason}, and nothing already accepted depends on
 * what comes after it. A file that cannot be opened is reported and the other files go on. A record
 * whose (tenant, id) is stored with different content is rejected too ({@link Ledger.Conflict}).
 */
public final class Ingest {

  /** Called every few thousand entries, and once at the end. */
  public interface Progress {
    void update(long entries, long accepted, long duplicates, long rejected);
  }

  /**
   * @param unreadable inputs that could not be opened or read at all, with the reason
   */
  public record Summary(long entries, long accepted, long duplicates, long rejected, long skipped, List<String> unreadable,
      long headSeq, String headHash) {

    /** 0 all accepted, 3 some entries rejected (the rest accepted), 1 nothing could be read. */
    public int exitCode() {
      if (entries == 0 && !unreadable.isEmpty()) return 1;
      return rejected > 0 || !unreadable.isEmpty() ? 3 : 0;
    }
  }

  private static final int PROGRESS_EVERY = 8_192;

  private Ingest() {}

  /** {@link #run(Ledger.Writer, List, InputStream, Writer, Progress, RecordBounds)} within the default bounds. */
  public static Summary run(Ledger.Writer writer, List<String> inputs, InputStream stdin, Writer rejects, Progress progress) {
    return run(writer, inputs, stdin, rejects, progress, RecordBounds.DEFAULTS);
  }

  /** Ingests {@code inputs}; an entry outside {@code bounds} is rejected like one that does not parse. */
  public static Summary run(Ledger.Writer writer, List<String> inputs, InputStream stdin, Writer rejects, Progress progress,
      RecordBounds bounds) {
    var counts = new Object() {
      long entries;
      long rejected;
      long skipped;
    };
    List<String> unreadable = read(inputs, stdin, bounds, rejects, parsed -> {
      counts.entries++;
      switch (parsed) {
        case Parsed.Accepted accepted -> {
          writer.add(accepted.record(), accepted.origin());
          counts.rejected += rejectConflicts(writer, rejects);
        }
        case Parsed.Rejected rejection -> {
          counts.rejected++;
          writeQuietly(rejects, rejection.line() + "\n");
        }
        case Parsed.Skipped ignored -> counts.skipped++;
      }
      if (counts.entries % PROGRESS_EVERY == 0) progress.update(counts.entries, writer.accepted(), writer.duplicates(), counts.rejected);
    });
    writer.flush();
    counts.rejected += rejectConflicts(writer, rejects);
    try {
      rejects.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the rejects file", e);
    }
    progress.update(counts.entries, writer.accepted(), writer.duplicates(), counts.rejected);
    return new Summary(counts.entries, writer.accepted(), writer.duplicates(), counts.rejected, counts.skipped, List.copyOf(unreadable),
        writer.head().seq(), writer.head().hash());
  }

  /**
   * Reads the entries of {@code inputs} in order, each judged by {@code bounds}, and hands them to {@code each}. An input
   * that cannot be read is noted in {@code rejects} as {@code FILE: cannot read: why}, named in the list returned, and
   * the others go on.
   */
  public static List<String> read(List<String> inputs, InputStream stdin, RecordBounds bounds, Writer rejects, Consumer<Parsed> each) {
    List<String> unreadable = new ArrayList<>();
    for (String input : inputs) {
      try (RecordReader reader = InputFiles.open(input, stdin)) {
        for (Parsed parsed; (parsed = bounds.judge(reader.next())) != null; ) each.accept(parsed);
      } catch (IOException e) {
        unreadable.add(input + ": " + e.getMessage());
        writeQuietly(rejects, input + ": cannot read: " + e.getMessage() + "\n");
      }
    }
    return unreadable;
  }

  /** Writes the writer's new conflicts as reject lines; returns how many. */
  static long rejectConflicts(Ledger.Writer writer, Writer rejects) {
    List<Ledger.Conflict> conflicts = writer.takeConflicts();
    for (Ledger.Conflict conflict : conflicts) writeQuietly(rejects, conflict.line() + "\n");
    return conflicts.size();
  }

  private static void writeQuietly(Writer rejects, String line) {
    try {
      rejects.write(line);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the rejects file", e);
    }
  }
}
