package io.retrace.archiver.internal;

import java.time.Duration;

/** Exponential backoff between retries: initial, doubling, capped; reset after a success. */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private long nextMillis;

  public Backoff(Duration initial, Duration max) {
    this.initialMillis = Math.max(1, initial.toMillis());
    this.maxMillis = Math.max(initialMillis, max.toMillis());
    this.nextMillis = initialMillis;
  }

  /** The wait before the next attempt; doubles the one after. */
  public long nextMillis() {
    long wait = nextMillis;
    nextMillis = Math.min(maxMillis, nextMillis * 2);
    return wait;
  }

  public void reset() {
    nextMillis = initialMillis;
  }
}
