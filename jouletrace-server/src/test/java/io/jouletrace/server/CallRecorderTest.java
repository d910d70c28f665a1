package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jouletrace.core.record.InvocationRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallRecorderTest {

  private static final Duration PAUSE = Duration.ofMillis(5);

  private static InvocationRecord call(int i) {
    return InvocationRecord.builder("openai", "gpt-4o", 10).id("gw-openai-" + i).build();
  }

  @Test
  void a_batch_the_ledger_refuses_for_a_while_is_stored_once_it_accepts_again() throws InterruptedException {
    List<String> stored = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger tries = new AtomicInteger();
    CallRecorder recorder = new CallRecorder(batch -> {
      if (tries.incrementAndGet() <= 4) throw new IllegalStateException("database unavailable");
      batch.forEach(c -> stored.add(c.record().id()));
    }, 1_000, PAUSE, PAUSE.multipliedBy(4));
    for (int i = 0; i < 50; i++) recorder.record(call(i), "gateway");
    // Wait while still running, so the retries are the recorder's own and not its stopping path.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (stored.size() < 50 && System.nanoTime() < deadline) Thread.sleep(10);
    recorder.close();
    assertThat(tries.get()).isGreaterThan(4);
    assertThat(stored).hasSize(50).doesNotHaveDuplicates();
  }

  @Test
  void stopping_gives_up_on_a_ledger_that_keeps_refusing_after_a_few_tries_instead_of_hanging() {
    AtomicInteger tries = new AtomicInteger();
    CallRecorder recorder = new CallRecorder(batch -> {
      tries.incrementAndGet();
      throw new IllegalStateException("database gone");
    }, 1_000, PAUSE, PAUSE);
    recorder.record(call(1), "gateway");
    recorder.close();
    assertThat(tries.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void a_graceful_stop_counts_the_calls_still_waiting_when_its_grace_runs_out() throws InterruptedException {
    CountDownLatch ledgerAnswers = new CountDownLatch(1);
    CallRecorder recorder = new CallRecorder(batch -> {
      try {
        ledgerAnswers.await(); // a ledger that hangs past the grace
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, 1_000, PAUSE, PAUSE);
    for (int i = 0; i < 7; i++) recorder.record(call(i), "gateway");
    assertThat(recorder.close(Duration.ofMillis(300))).as("every call waits: none was stored").isEqualTo(7);
    ledgerAnswers.countDown();
  }

  @Test
  void a_graceful_stop_within_its_grace_stores_everything_and_counts_none_lost() {
    List<String> stored = Collections.synchronizedList(new ArrayList<>());
    CallRecorder recorder = new CallRecorder(batch -> batch.forEach(c -> stored.add(c.record().id())), 1_000, PAUSE, PAUSE);
    for (int i = 0; i < 20; i++) recorder.record(call(i), "gateway");
    assertThat(recorder.close(Duration.ofSeconds(60))).isZero();
    assertThat(stored).hasSize(20);
  }
}
