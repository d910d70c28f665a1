package io.jouletrace.stream;

import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.ingest.InputFiles;
import io.jouletrace.ledger.ingest.Parsed;
import io.jouletrace.ledger.ingest.RecordReader;
import io.jouletrace.ledger.report.Dimension;
import io.jouletrace.ledger.report.Reports;
import io.jouletrace.ledger.report.Scope;
import io.jouletrace.ledger.store.DuckDbStore;
import io.jouletrace.ledger.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * {@code jouletrace stream replay}: drives the topology in-process with Kafka Streams' test driver (no broker), so the
 * same records give, record by record, what a cluster gives; the figured output is then summed by the same report
 * query layer as {@code jouletrace report summary}.
 */
public final class StreamReplay {

  /**
   * @param figured the figured records in output order (the test driver has one partition, so one chain)
   * @param rejected input entries that could not become records, as {@code origin: field: reason}
   * @param duplicates input records whose (tenant, id) came earlier in the input: not sent, as {@code ingest} stores a
   *     tenant's id once
   */
  public record Result(List<LedgerEntry> figured, List<String> rejected, List<String> late, List<String> aggregates, long duplicates) {}

  private StreamReplay() {}

  public static Result run(List<String> inputs, InputStream stdin, Estimator estimator, String methodology, Duration grace) throws IOException {
    Topics topics = Topics.defaults();
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "jouletrace-replay");
    config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("jouletrace-replay").toString());
    List<String> rejected = new ArrayList<>();
    Set<Store.Candidate> identities = new HashSet<>();
    long duplicates = 0;
    try (TopologyTestDriver driver = new TopologyTestDriver(StreamTopology.build(topics, estimator, methodology, grace, new LongAdder(), null),
        config)) {
      TestInputTopic<String, String> in = driver.createInputTopic(topics.invocations(), new StringSerializer(), new StringSerializer());
      for (String input : inputs) {
        try (RecordReader reader = InputFiles.open(input, stdin)) {
          Parsed parsed;
          while ((parsed = reader.next()) != null) {
            switch (parsed) {
              case Parsed.Accepted a when !identities.add(Store.Candidate.of(a.record())) -> duplicates++;
              case Parsed.Accepted a -> in.pipeInput(a.record().id(), Messages.record(a.record()).toString(), a.record().timestamp());
              case Parsed.Rejected r -> rejected.add(r.line());
              case Parsed.Skipped s -> { }
            }
          }
        }
      }
      List<LedgerEntry> figured = new ArrayList<>();
      for (String value : output(driver, topics.figured())) figured.add(Messages.entry(value));
      for (String value : output(driver, topics.rejected())) rejected.add(value);
      return new Result(figured, rejected, output(driver, topics.late()), output(driver, topics.aggregates()), duplicates);
    }
  }

  private static List<String> output(TopologyTestDriver driver, String topic) {
    TestOutputTopic<String, String> out = driver.createOutputTopic(topic, new StringDeserializer(), new StringDeserializer());
    return out.readValuesToList();
  }

  /** The summary of the replayed records, computed by {@link Reports} over a throwaway ledger holding the topology's output. */
  public static Reports.Summary summary(Result result, List<Dimension> breakdowns) throws IOException {
    Path directory = Files.createTempDirectory("jouletrace-replay-ledger");
    try (Store store = DuckDbStore.open(directory)) {
      List<LedgerEntry> inSeqOrder = new ArrayList<>(result.figured());
      inSeqOrder.sort(Comparator.comparingLong(LedgerEntry::seq));
      store.append(inSeqOrder);
      return new Reports(store).summary(Scope.all(), breakdowns);
    } finally {
      deleteQuietly(directory);
    }
  }

  private static void deleteQuietly(Path directory) {
    try (var paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
