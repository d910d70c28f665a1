package io.jouletrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

class StallGuardTest {

  @Test
  void a_closed_body_leaves_the_timer_at_once_so_finished_calls_are_not_kept_alive() throws IOException {
    ScheduledThreadPoolExecutor timer = (ScheduledThreadPoolExecutor) StallGuard.timer();
    try {
      for (int i = 0; i < 1_000; i++) {
        try (InputStream body = new StallGuard(new ByteArrayInputStream(new byte[64]), Duration.ofSeconds(120), timer)) {
          assertThat(body.readAllBytes()).hasSize(64);
        }
      }
      assertThat(timer.getQueue()).isEmpty();
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void a_read_that_waits_past_the_limit_is_ended_and_said_to_have_stalled() throws IOException {
    ScheduledThreadPoolExecutor timer = (ScheduledThreadPoolExecutor) StallGuard.timer();
    try (StallGuard body = new StallGuard(new SilentUpstream(), Duration.ofMillis(50), timer)) {
      assertThat(body.stalled()).isFalse();
      assertThatThrownBy(body::read).isInstanceOf(IOException.class);
      assertThat(body.stalled()).isTrue();
    } finally {
      timer.shutdownNow();
    }
  }

  /** An upstream body that sends nothing: a read waits until the body is closed, then fails, as a socket's does. */
  private static final class SilentUpstream extends InputStream {
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public int read() throws IOException {
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("closed");
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }
}
