package io.retrace.archiver.writer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that encode Parquet, so that the consumer thread only polls, decodes and decides.
 * Each Kafka partition belongs to one lane (one thread), which runs its work strictly in the order
 * it was handed over; that keeps the rows of every file in offset order and makes a publish follow
 * every write before it. With no threads, the work runs on the caller's thread at once.
 *
 * <p>A lane takes whatever has queued up (at most {@link #MAX_BATCH} tasks) and writes the rows of
 * each file together: going from file to file on every row would touch a different set of column
 * writers each time, which more than halves the throughput once a few dozen files are open. Work
 * handed over and not yet encoded is bounded per lane by its serialized size; the consumer thread
 * waits when a lane is full.
 */
final class EncodingLanes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EncodingLanes.class);

  /** Tasks a lane takes at once; enough for long runs of rows per file with dozens of files. */
  static final int MAX_BATCH = 4096;

  /**
   * Per lane, serialized bytes handed over and not yet encoded, at most. Enough for runs of dozens
   * of rows per file; more only costs: decoded records waiting here outlive young collections, and
   * with 2 MB per lane copying them doubled the time spent in GC pauses.
   */
  static final int MAX_HANDOFF_BYTES = 256 << 10;

  /** Where the work of one Kafka partition runs. */
  interface Lane {
    /**
     * Encodes one record into {@code file} of {@code writer}, after everything handed over before.
     */
    void encode(
        TopicPartitionWriter<?> writer, TopicPartitionWriter.OpenFile file, Object value, int bytes)
        throws InterruptedException;

    /** Runs {@code task} after everything handed over before; {@code task} must not throw. */
    void then(Runnable task);

    /** Like {@link #then}, and waits until {@code task} has run. */
    void thenWait(Runnable task) throws InterruptedException;
  }

  private final ThreadLane[] lanes;
  private final long handoffCapacity;
  private final Lane inline = new InlineLane();

  /**
   * @param threads encoding threads; 0 encodes on the caller's thread
   * @param handoffBytes serialized bytes handed to one lane and not yet encoded, at most (a record
   *     larger than this still goes through, alone)
   */
  EncodingLanes(int threads, int handoffBytes) {
    lanes = new ThreadLane[threads];
    for (int i = 0; i < threads; i++) {
      lanes[i] = new ThreadLane(Math.max(1, handoffBytes), "retrace-archiver-encoder-" + i);
    }
    handoffCapacity = (long) threads * Math.max(1, handoffBytes);
  }

  /** The lane of a Kafka partition; always the same one. */
  Lane laneFor(TopicPartition partition) {
    return lanes.length == 0 ? inline : lanes[Math.floorMod(partition.hashCode(), lanes.length)];
  }

  /** Serialized bytes handed over and not yet encoded, over all lanes. */
  long handedOverBytes() {
    long sum = 0;
    for (ThreadLane lane : lanes) {
      sum += lane.handedOver();
    }
    return sum;
  }

  /**
   * The most {@link #handedOverBytes} can be, apart from single records larger than a lane's share.
   */
  long handoffCapacity() {
    return handoffCapacity;
  }

  /** Finishes what was handed over, then stops the threads. */
  @Override
  public void close() {
    boolean interrupted = false;
    for (ThreadLane lane : lanes) {
      lane.queue.add(ThreadLane.STOP);
    }
    for (ThreadLane lane : lanes) {
      while (lane.thread.isAlive()) {
        try {
          lane.thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class InlineLane implements Lane {
    @Override
    public void encode(
        TopicPartitionWriter<?> writer,
        TopicPartitionWriter.OpenFile file,
        Object value,
        int bytes) {
      writer.encode(file, List.of(value));
    }

    @Override
    public void then(Runnable task) {
      task.run();
    }

    @Override
    public void thenWait(Runnable task) {
      task.run();
    }
  }

  private record Encode(
      TopicPartitionWriter<?> writer,
      TopicPartitionWriter.OpenFile file,
      Object value,
      int permits) {}

  private static final class ThreadLane implements Lane, Runnable {
    static final Runnable STOP = () -> {};

    final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    final int capacity;
    final Semaphore room;
    final Thread thread;

    ThreadLane(int capacity, String name) {
      this.capacity = capacity;
      this.room = new Semaphore(capacity);
      this.thread = new Thread(this, name);
      thread.setDaemon(true);
      thread.start();
    }

    long handedOver() {
      return capacity - room.availablePermits();
    }

    @Override
    public void encode(
        TopicPartitionWriter<?> writer, TopicPartitionWriter.OpenFile file, Object value, int bytes)
        throws InterruptedException {
      int permits = Math.min(Math.max(bytes, 0), capacity);
      room.acquire(permits);
      queue.add(new Encode(writer, file, value, permits));
    }

    @Override
    public void then(Runnable task) {
      queue.add(task);
    }

    @Override
    public void thenWait(Runnable task) throws InterruptedException {
      CountDownLatch done = new CountDownLatch(1);
      queue.add(
          (Runnable)
              () -> {
                try {
                  task.run();
                } finally {
                  done.countDown();
                }
              });
      done.await();
    }

    @Override
    public void run() {
      List<Object> batch = new ArrayList<>(MAX_BATCH);
      Map<TopicPartitionWriter.OpenFile, Rows> rows = new LinkedHashMap<>();
      try {
        while (true) {
          batch.add(queue.take());
          queue.drainTo(batch, MAX_BATCH - 1);
          for (Object task : batch) {
            if (task instanceof Encode e) {
              rows.computeIfAbsent(e.file(), f -> new Rows(e.writer())).add(e);
            } else {
              encode(rows);
              if (task == STOP) {
                return;
              }
              runSafely((Runnable) task);
            }
          }
          encode(rows);
          batch.clear();
        }
      } catch (InterruptedException e) {
        // Only close() stops a lane, by STOP; an interrupt from elsewhere ends it the same way.
        Thread.currentThread().interrupt();
      }
    }

    /** Writes the rows gathered per file, each file's in the order they came. */
    private void encode(Map<TopicPartitionWriter.OpenFile, Rows> rows) {
      for (Map.Entry<TopicPartitionWriter.OpenFile, Rows> e : rows.entrySet()) {
        Rows r = e.getValue();
        try {
          r.writer.encode(e.getKey(), r.values);
        } finally {
          room.release(r.permits);
        }
      }
      rows.clear();
    }

    private static void runSafely(Runnable task) {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        // Tasks report their own failures to the consumer thread; this one escaped them. The lane
        // goes on: the consumer thread may be waiting for a task behind it.
        log.error("Archive encoding task failed", e);
      }
    }
  }

  /** Rows of one file gathered from one batch. */
  private static final class Rows {
    final TopicPartitionWriter<?> writer;
    final List<Object> values = new ArrayList<>();
    int permits;

    Rows(TopicPartitionWriter<?> writer) {
      this.writer = writer;
    }

    void add(Encode e) {
      values.add(e.value());
      permits += e.permits();
    }
  }
}
