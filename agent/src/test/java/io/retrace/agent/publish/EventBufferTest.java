package io.retrace.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import io.retrace.testkit.Events;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventBufferTest {
  @Test
  void holdsExactlyItsCapacityAndCountsWhatItDropsPerSession() throws Exception {
    EventBuffer buffer = new EventBuffer(20);
    for (int i = 0; i < 20; i++) {
      assertThat(buffer.offer(event("s-1", i))).isTrue();
    }
    assertThat(buffer.offer(event("s-1", 20))).isFalse();
    assertThat(buffer.offer(event("s-2", 21))).isFalse();
    assertThat(buffer.offer(event(null, 22))).isFalse();
    assertThat(buffer.size()).isEqualTo(20);
    assertThat(buffer.offered()).isEqualTo(23);
    assertThat(buffer.dropped()).isEqualTo(3);
    assertThat(buffer.takeDrops())
        .isEqualTo(Map.of("s-1", 1L, "s-2", 1L, EventBuffer.OVERFLOW, 1L));

    List<RecordedEvent> drained = new ArrayList<>();
    assertThat(buffer.drain(drained, 8, 0)).isEqualTo(8);
    // Room again for as many as were taken, and no more; order is kept.
    for (int i = 23; i < 31; i++) {
      assertThat(buffer.offer(event("s-1", i))).isTrue();
    }
    assertThat(buffer.offer(event("s-1", 31))).isFalse();
    for (int batches = 0; batches < 10 && buffer.drain(drained, 7, 0) > 0; batches++) {
      // 20 events in batches of at most 7
    }
    assertThat(drained).extracting(RecordedEvent::getSequence).containsExactlyElementsOf(seq());
    assertThat(buffer.size()).isZero();

    // Fill and empty it a few more times: each fill is taken whole, and nothing is taken twice.
    for (long first = 100; first < 300; first += 20) {
      for (long s = first; s < first + 20; s++) {
        assertThat(buffer.offer(event("s-1", s))).isTrue();
      }
      assertThat(buffer.offer(event("s-1", first + 20))).isFalse();
      drained.clear();
      assertThat(buffer.drain(drained, 100, 0)).isEqualTo(20);
      assertThat(drained.get(0).getSequence()).isEqualTo(first);
      assertThat(drained.get(19).getSequence()).isEqualTo(first + 19);
      assertThat(buffer.drain(drained, 100, 0)).isZero();
    }
  }

  @Test
  void manyProducersLoseNothingTheyWereToldWasTakenAndKeepEachOnesOrder() throws Exception {
    int producers = 4;
    int perProducer = 50_000;
    EventBuffer buffer = new EventBuffer(64);
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Set<Long>>> accepted = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      long base = (long) p * perProducer;
      accepted.add(
          pool.submit(
              () -> {
                go.await();
                Set<Long> ok = new HashSet<>();
                for (long i = base; i < base + perProducer; i++) {
                  if (buffer.offer(event("s-" + base, i))) {
                    ok.add(i);
                  }
                }
                return ok;
              }));
    }
    go.countDown();
    List<RecordedEvent> drained = new ArrayList<>();
    while ((!allDone(accepted) || buffer.size() > 0) && drained.size() <= producers * perProducer) {
      buffer.drain(drained, 100, 1);
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    Set<Long> expected = new HashSet<>();
    for (Future<Set<Long>> f : accepted) {
      expected.addAll(f.get());
    }
    List<Long> got = drained.stream().map(RecordedEvent::getSequence).toList();
    assertThat(got).doesNotHaveDuplicates();
    assertThat(new HashSet<>(got)).isEqualTo(expected);
    assertThat(buffer.offered()).isEqualTo((long) producers * perProducer);
    assertThat(buffer.dropped()).isEqualTo(buffer.offered() - got.size());
    // Each producer's events come out in the order it offered them.
    for (int p = 0; p < producers; p++) {
      long base = (long) p * perProducer;
      assertThat(got.stream().filter(s -> s >= base && s < base + perProducer).toList()).isSorted();
    }
  }

  @Test
  void anEmptyBufferWaitsAsLongAsAskedAndThenReturnsNothing() throws Exception {
    EventBuffer buffer = new EventBuffer(16);
    List<RecordedEvent> drained = new ArrayList<>();
    long start = System.nanoTime();
    assertThat(buffer.drain(drained, 10, 30)).isZero();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
    assertThat(drained).isEmpty();
  }

  private static boolean allDone(List<? extends Future<?>> futures) {
    return futures.stream().allMatch(Future::isDone);
  }

  private static List<Long> seq() {
    List<Long> out = new ArrayList<>();
    for (long i = 0; i < 20; i++) {
      out.add(i);
    }
    for (long i = 23; i < 31; i++) {
      out.add(i);
    }
    return out;
  }

  private static RecordedEvent event(String session, long sequence) {
    return Events.event()
        .session(session)
        .sequence(sequence)
        .of(EventKind.VALUE_READ, new ValueRead(ValueSource.UUID, "site", null, "v"));
  }
}
