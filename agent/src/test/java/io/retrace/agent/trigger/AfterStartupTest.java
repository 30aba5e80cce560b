package io.retrace.agent.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AfterStartupTest {

  @Test
  void theApplicationHasStartedWhenItsMainThreadEndedOrClassLoadingWentQuiet() {
    assertThat(AfterStartup.hasStarted(false, 5_000, 100)).as("main ended").isTrue();
    assertThat(AfterStartup.hasStarted(true, 3, 2_000)).as("quiet").isTrue();
    assertThat(AfterStartup.hasStarted(true, 400, 2_000)).as("still loading").isFalse();
    assertThat(AfterStartup.hasStarted(true, 400, AfterStartup.MAX_WAIT_MILLIS))
        .as("waited long enough")
        .isTrue();
  }

  @Test
  void queuedWorkRunsInOrderOnceTheMainThreadEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread main = new Thread(() -> awaitQuietly(release), "app-main");
    main.start();
    // A busy application: far more classes every poll than the quiet threshold.
    AtomicInteger classes = new AtomicInteger();
    AfterStartup afterStartup = new AfterStartup(main, () -> classes.addAndGet(1_000), () -> false);
    List<String> ran = new CopyOnWriteArrayList<>();
    afterStartup.then(() -> ran.add("follower"));
    afterStartup.then(() -> ran.add("publisher"));
    afterStartup.start();

    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(ran::isEmpty);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 2);
    assertThat(ran).containsExactly("follower", "publisher");
  }

  @Test
  void urgentWorkDoesNotWaitForTheApplication() {
    AtomicBoolean urgent = new AtomicBoolean();
    AtomicInteger classes = new AtomicInteger();
    AfterStartup afterStartup =
        new AfterStartup(Thread.currentThread(), () -> classes.addAndGet(1_000), urgent::get);
    AtomicBoolean ran = new AtomicBoolean();
    afterStartup.then(() -> ran.set(true));
    afterStartup.start();

    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilFalse(ran);
    urgent.set(true);
    await().atMost(Duration.ofSeconds(10)).untilTrue(ran);
  }

  @Test
  void aFailingTaskDoesNotKeepTheNextFromRunning() {
    AfterStartup afterStartup = new AfterStartup(new Thread(() -> {}), () -> 0, () -> false);
    AtomicBoolean ran = new AtomicBoolean();
    afterStartup.then(
        () -> {
          throw new IllegalStateException("broker unreachable");
        });
    afterStartup.then(() -> ran.set(true));
    afterStartup.start();
    await().atMost(Duration.ofSeconds(10)).untilTrue(ran);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
