package io.retrace.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.Events;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver as a separate JVM, killed with SIGKILL at random points while events flow; the
 * archive must end up holding every event exactly once.
 */
@ExtendWith(RetraceStackExtension.class)
class CrashIT {
  private static final Logger log = LoggerFactory.getLogger(CrashIT.class);

  /**
   * Events are produced until the last kill, so that every restarted archiver has new events to
   * write: a fixed count could run out while a slow machine was still starting the third archiver,
   * and the next one would then wait for files that never came. At least this many.
   */
  private static final int MIN_EVENTS = 3_000;

  private static final int KILLS = 4;

  @TempDir Path archive;
  @TempDir Path logs;

  @Test
  void sigkillAtRandomPointsLosesAndDuplicatesNothing(TestStack stack) throws Exception {
    TestArchivers t = new TestArchivers(stack);
    Map<String, String> settings =
        t.settings(
            archive.toUri().toString(),
            Map.of(
                "rotation.records",
                "300",
                "rotation.interval",
                "700ms",
                // A restarted instance takes over at once, not after the dead one's session
                // timeout.
                "group.instance.id",
                "crash-test"));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    log.info("Crash test seed {}", seed);

    Set<String> sent = ConcurrentHashMap.newKeySet();
    ExecutorService producerThread = Executors.newSingleThreadExecutor();
    AtomicBoolean killing = new AtomicBoolean(true);
    Future<?> producing = producerThread.submit(() -> produce(t, sent, killing));
    try {
      for (int kill = 0; kill < KILLS; kill++) {
        Process archiver = startArchiver(settings, logs.resolve("archiver-" + kill + ".log"));
        int filesBefore = ArchiveContents.files(archive, "events").size();
        int moreFiles = 1 + random.nextInt(6);
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    ArchiveContents.files(archive, "events").size() >= filesBefore + moreFiles
                        || !archiver.isAlive());
        assertThat(archiver.isAlive())
            .as("archiver %d alive; its log: %s", kill, logs.resolve("archiver-" + kill + ".log"))
            .isTrue();
        // The random point inside whatever the archiver is doing: writing, publishing, committing.
        Thread.sleep(random.nextInt(800));
        archiver.destroyForcibly().waitFor();
        log.info("Killed archiver {} after {} more files", kill, moreFiles);
      }
      killing.set(false);
      producing.get();
      log.info("Produced {} events", sent.size());
    } finally {
      producerThread.shutdownNow();
    }

    Process last = startArchiver(settings, logs.resolve("archiver-last.log"));
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> archivedRows() >= sent.size());
    } finally {
      last.destroy();
      last.waitFor();
    }

    try (DuckDb db = new DuckDb(archive)) {
      List<Object> counts =
          db.query("SELECT count(*), count(DISTINCT event_id) FROM events").get(0);
      assertThat(counts).containsExactly((long) sent.size(), (long) sent.size());
    }
    assertThat(Set.copyOf(ArchiveContents.eventIds(archive))).isEqualTo(sent);
  }

  private long archivedRows() throws Exception {
    try (DuckDb db = new DuckDb(archive)) {
      return ArchiveContents.files(archive, "events").isEmpty()
          ? 0
          : (long) db.query("SELECT count(*) FROM events").get(0).get(0);
    }
  }

  private static void produce(TestArchivers t, Set<String> sent, AtomicBoolean killing) {
    try (KafkaProducer<String, RecordedEvent> producer = t.stack.producer(t.events)) {
      Instant start = Instant.parse("2026-11-28T08:00:00Z");
      for (int i = 0; i < MIN_EVENTS || killing.get(); i++) {
        String recording = "rec-" + (i % 4);
        RecordedEvent e =
            Events.event()
                .recording(recording)
                .service(i % 2 == 0 ? "orders" : "payments")
                .session("s-" + (i % 50))
                .at(start.plusMillis(i * 10L))
                .httpServer("GET", "/orders/" + i, 200);
        producer.send(new ProducerRecord<>(t.events.name(), recording + "|" + e.getSessionId(), e));
        sent.add(e.getEventId());
        if (i % 300 == 299) {
          producer.flush();
          // ~1,000 events/s: a few files a second, and a bounded total however long the kills take.
          Thread.sleep(300);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Process startArchiver(Map<String, String> settings, Path logFile)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ArchiverMain.class.getName());
    settings.forEach((k, v) -> command.add(k + "=" + v));
    Files.createDirectories(logFile.getParent());
    // A file, not a pipe: a pipe drained by another thread loses the last lines at a kill.
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile())
        .directory(new File(System.getProperty("user.dir")))
        .start();
  }
}
