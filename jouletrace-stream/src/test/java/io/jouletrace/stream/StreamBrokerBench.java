package io.jouletrace.stream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import io.jouletrace.catalog.Catalog;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.store.PostgresServer;
import io.jouletrace.ledger.store.PostgresStore;
import io.jouletrace.ledger.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records/s end to end through a real broker with one and with two instances (opt-in:
 * {@code ./mvnw -pl jouletrace-stream -am test -Dtest=StreamBrokerBench -Djouletrace.bench=true}; size from
 * {@code jouletrace.bench.records}, default 100,000). The input is produced first; the clock runs from starting the
 * instances to the last figured record a read_committed consumer sees, so it includes their start-up. After the
 * one-instance run, the PostgreSQL sink is timed over the same output (records and aggregates).
 */
@EnabledIfSystemProperty(named = "jouletrace.bench", matches = "true") // on the class: no PostgreSQL started otherwise
class StreamBrokerBench {

  @TempDir
  Path dir;

  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  @Test
  void records_per_second_with_one_and_two_instances() throws Exception {
    int records = Integer.getInteger("jouletrace.bench.records", 100_000);
    for (int instances : new int[] {1, 2}) {
      Path run = Files.createDirectories(dir.resolve("run-" + instances));
      try (ForkedKraft kafka = ForkedKraft.start(Files.createDirectories(run.resolve("kafka")))) {
        List<Process> running = new ArrayList<>();
        running.add(StreamBrokerTest.instance(run, kafka.bootstrap(), "i0"));
        StreamBrokerTest.awaitTopics(kafka.bootstrap(), Topics.defaults().invocations(), Topics.defaults().figured());
        running.getFirst().destroyForcibly().waitFor(); // it created the topics; the timed run starts from nothing running
        StreamBrokerTest.produce(kafka.bootstrap(), Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(59)), 0, records);
        running.clear();
        long start = System.nanoTime();
        for (int i = 0; i < instances; i++) running.add(StreamBrokerTest.instance(run, kafka.bootstrap(), "bench" + i));
        long seen = 0;
        long first = 0;
        try (var consumer = StreamBrokerTest.consumer(kafka.bootstrap())) {
          consumer.subscribe(List.of(Topics.defaults().figured()));
          while (seen < records && System.nanoTime() - start < Duration.ofMinutes(10).toNanos()) {
            int got = consumer.poll(Duration.ofMillis(200)).count();
            if (got > 0 && first == 0) first = System.nanoTime();
            seen += got;
          }
        }
        double total = (System.nanoTime() - start) / 1e9;
        double flowing = (System.nanoTime() - first) / 1e9;
        System.out.printf("%d instance(s): %,d records figured in %.1f s from start (%.0f records/s), %.1f s once output began (%.0f records/s)%n",
            instances, seen, total, seen / total, flowing, seen / flowing);
        // Still running: the last aggregate updates may follow the last figured record.
        if (instances == 1) sinkIntoPostgres(kafka.bootstrap(), records);
        running.forEach(Process::destroyForcibly);
      }
    }
  }

  /** The sink from the start of the output topics until every record and every aggregate's final totals are stored. */
  private static void sinkIntoPostgres(String bootstrap, int records) {
    try (Ledger ledger = Ledger.open(PostgresStore.open(POSTGRES.newDatabase()), null)) {
      long start = System.nanoTime();
      long deadline = start + Duration.ofMinutes(10).toNanos();
      StreamSink.Sunk sunk = StreamSink.run(bootstrap, Topics.defaults(), ledger, Catalog.DEFAULT_METHODOLOGY,
          new StreamSink.SpanRecords("self-hosted", null), () -> System.nanoTime() > deadline || ledger.store().head().seq() >= records
              && ledger.store().streamAggregates().stream().mapToLong(Store.StreamAggregate::calls).sum() >= records);
      double seconds = (System.nanoTime() - start) / 1e9;
      long aggregated = ledger.store().streamAggregates().stream().mapToLong(Store.StreamAggregate::calls).sum();
      System.out.printf("sink into PostgreSQL: %,d records and %d aggregate rows (%,d calls) in %.1f s (%.0f records/s)%n", sunk.records(),
          ledger.store().streamAggregates().size(), aggregated, seconds, sunk.records() / seconds);
    }
  }
}
