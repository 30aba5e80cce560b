package io.retrace.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {
  /** A key whose equals and hashCode say every instance is the same, as a driver's might. */
  private static final class AllEqual {
    @Override
    public boolean equals(Object o) {
      return o instanceof AllEqual;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  private final WeakIdentityMap<Object, String> map = new WeakIdentityMap<>();

  @Test
  void keysAreMatchedByIdentityNotEquals() {
    Object a = new AllEqual();
    Object b = new AllEqual();

    map.computeIfAbsent(a, () -> "a");
    map.computeIfAbsent(b, () -> "b");

    assertThat(map.get(a)).isEqualTo("a");
    assertThat(map.get(b)).isEqualTo("b");
    assertThat(map.get(new AllEqual())).isNull();
    assertThat(map.size()).isEqualTo(2);
  }

  @Test
  void computeIfAbsentKeepsTheFirstValue() {
    Object key = new Object();
    AtomicInteger made = new AtomicInteger();

    String first = map.computeIfAbsent(key, () -> "v" + made.incrementAndGet());
    String second = map.computeIfAbsent(key, () -> "v" + made.incrementAndGet());

    assertThat(first).isEqualTo("v1");
    assertThat(second).isEqualTo("v1");
    assertThat(made).hasValue(1);
  }

  @Test
  void nullIsNeverFound() {
    map.computeIfAbsent(new Object(), () -> "collected soon");

    assertThat(map.get(null)).isNull();
  }

  @Test
  void growsPastItsInitialTableAndFindsEveryKey() {
    List<Object> keys = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Object key = new Object();
      keys.add(key);
      map.computeIfAbsent(key, () -> "v" + keys.size());
    }

    for (int i = 0; i < keys.size(); i++) {
      assertThat(map.get(keys.get(i))).isEqualTo("v" + (i + 1));
    }
    assertThat(map.size()).isEqualTo(10_000);
  }

  @Test
  void entriesOfCollectedKeysAreDroppedSoTheMapStaysBounded() {
    // Statements made and dropped one after another, as a service prepares one per request: the
    // map must not keep an entry for each (nor keep them reachable).
    Object survivor = new Object();
    map.computeIfAbsent(survivor, () -> "kept");
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 50_000; i++) {
        map.computeIfAbsent(new Object(), () -> "dropped");
      }
      System.gc(); // a full collection clears the weak references of this round's keys
    }

    // A million keys went in, at most 50 000 alive at once.
    assertThat(map.size()).isLessThan(200_000);
    assertThat(map.get(survivor)).isEqualTo("kept");
  }

  @Test
  void threadsSharingTheMapEachSeeTheirOwnKeysAndOneValuePerKey() throws Exception {
    Object shared = new Object();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String name = "t" + t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<Object> own = new ArrayList<>();
                  boolean ok = true;
                  for (int i = 0; i < 20_000; i++) {
                    Object key = new Object();
                    own.add(key);
                    map.computeIfAbsent(key, () -> name);
                    ok &= map.computeIfAbsent(shared, () -> name) == map.get(shared);
                  }
                  for (Object key : own) {
                    ok &= name.equals(map.get(key));
                  }
                  return ok;
                }));
      }
      start.countDown();
      for (Future<Boolean> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
