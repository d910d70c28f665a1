package io.jouletrace.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An upstream body that is closed when one read waits longer than the limit: the HTTP client's request timeout ends
 * once the headers arrive, so without this a body or stream that stalls would hold the gateway's handler for ever.
 * Only time spent inside a read counts, not time spent writing to a slow client.
 */
final class StallGuard extends FilterInputStream {

  private final long limitNanos;
  private final ScheduledFuture<?> watch;
  /** When the read in progress began; 0 while none is. */
  private volatile long readingSince;
  private volatile boolean stalled;

  StallGuard(InputStream body, Duration limit, ScheduledExecutorService timer) {
    super(body);
    this.limitNanos = limit.toNanos();
    long periodMillis = Math.max(10, limit.toMillis() / 4);
    this.watch = timer.scheduleAtFixedRate(this::closeIfStalled, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * The timer that watches guarded bodies. A closed body's watch leaves its queue at once: by default a cancelled task
   * stays queued until its next run (a quarter of the limit, 30 s by default), and at a thousand calls a second those
   * tasks kept tens of thousands of finished bodies alive, whose copying made every young collection long.
   */
  static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("gateway-stall-timer").daemon().factory());
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Whether the body was closed because a read stalled (the caller answers 504 or ends the stream). */
  boolean stalled() {
    return stalled;
  }

  private void closeIfStalled() {
    long since = readingSince;
    if (since == 0 || System.nanoTime() - since <= limitNanos) return;
    stalled = true;
    try {
      close();
    } catch (IOException e) {
      // closing an upstream body that is already broken: nothing more to do
    }
  }

  @Override
  public int read() throws IOException {
    readingSince = System.nanoTime();
    try {
      return super.read();
    } finally {
      readingSince = 0;
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    readingSince = System.nanoTime();
    try {
      return super.read(buffer, offset, length);
    } finally {
      readingSince = 0;
    }
  }

  @Override
  public void close() throws IOException {
    watch.cancel(false);
    super.close();
  }
}
