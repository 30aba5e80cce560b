package io.retrace.archiver;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.config.Setting;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.ServiceJar;
import io.retrace.testkit.TestStack;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The packaged {@code retrace-archiver.jar} run the way an operator runs it: {@code java -jar} on
 * its own JVM, settings from a file and the environment, HTTP health and metrics, SIGTERM.
 */
@ExtendWith(RetraceStackExtension.class)
class ArchiverJarIT {
  private static final Path JAR = Path.of(System.getProperty("retrace.archiver.jar"));
  private static final String BUCKET = "jar-archive";

  @TempDir Path dir;

  @Test
  void archivesFromAConfigFileAndTheEnvironmentAndPublishesOpenFilesOnSigterm(TestStack stack)
      throws Exception {
    TestArchivers t = new TestArchivers(stack);
    Path archive = dir.resolve("archive");
    int port = ServiceJar.freePort();
    // No rotation before the stop: every file is still open when SIGTERM arrives.
    Map<String, String> settings =
        new HashMap<>(
            t.settings(
                archive.toUri().toString(),
                Map.of("metrics.port", "-1", "rotation.interval", "10m")));
    String registry = settings.remove("schema.registry.url");

    try (ServiceJar archiver =
        ServiceJar.start(
            JAR,
            dir,
            Map.of("RETRACE_SCHEMA_REGISTRY_URL", registry),
            "--config",
            properties(settings).toString(),
            // The command line wins over the file, which has no HTTP server.
            "--metrics.port=" + port)) {
      archiver.awaitHealthy(port);
      List<RecordedEvent> sent = ArchiverIT.produce(t, 0, 50);
      await()
          .atMost(Duration.ofSeconds(60))
          .failFast("the archiver exited", () -> !archiver.isAlive())
          .untilAsserted(
              () ->
                  assertThat(archiver.scrapeMetrics(port))
                      .contains("# TYPE retrace_archiver_records_total counter")
                      .contains("retrace_archiver_records_total 50.0")
                      .contains("retrace_archiver_open_files"));
      assertThat(ArchiveContents.files(archive, "events")).isEmpty();

      assertThat(archiver.stop()).as(archiver.stdout()).isZero();

      assertThat(ArchiveContents.eventIds(archive))
          .containsExactlyInAnyOrderElementsOf(
              sent.stream().map(RecordedEvent::getEventId).toList());
      assertThat(archiver.stdout())
          .contains("Archiving", "The archiver is stopping", "The archiver stopped");
      assertThat(archiver.stdout() + archiver.stderr())
          .doesNotContain(" ERROR ", "SLF4J", "log4j", "ch.qos.logback");
      assertThat(archiver.stdout().lines().filter(line -> line.contains(" INFO ")))
          .as("libraries log at WARN, Retrace at INFO")
          .isNotEmpty()
          .allMatch(line -> line.contains(" io.retrace."));
    }
  }

  /** S3A, the AWS SDK and its HTTP client are found through merged META-INF/services files. */
  @Test
  void archivesToS3WithTheSecretKeyFromTheEnvironment(TestStack stack) throws Exception {
    TestArchivers t = new TestArchivers(stack);
    try (InProcessS3 s3 = new InProcessS3()) {
      s3.createBucket(BUCKET);
      int port = ServiceJar.freePort();
      Map<String, String> settings = new HashMap<>();
      settings.put("metrics.port", String.valueOf(port));
      settings.put("rotation.records", "10");
      settings.put("s3.endpoint", s3.endpoint());
      settings.put("s3.path.style", "true");
      settings.put("s3.access.key", InProcessS3.ACCESS_KEY);
      settings = new HashMap<>(t.settings("s3a://" + BUCKET + "/archive", settings));
      String registry = settings.remove("schema.registry.url");

      try (ServiceJar archiver =
          ServiceJar.start(
              JAR,
              dir,
              Map.of(
                  "RETRACE_SCHEMA_REGISTRY_URL",
                  registry,
                  "RETRACE_S3_SECRET_KEY",
                  InProcessS3.SECRET_KEY),
              "--config",
              properties(settings).toString())) {
        archiver.awaitHealthy(port);
        List<RecordedEvent> sent = ArchiverIT.produce(t, 0, 40);
        await()
            .atMost(Duration.ofSeconds(60))
            .failFast("the archiver exited", () -> !archiver.isAlive())
            .until(() -> eventIds(s3).size() >= sent.size());
        assertThat(archiver.stop()).as(archiver.stdout()).isZero();

        assertThat(eventIds(s3))
            .containsExactlyInAnyOrderElementsOf(
                sent.stream().map(RecordedEvent::getEventId).toList());
      }
    }
  }

  @Test
  void aConfigFileWithTwoBadKeysExitsWithTwoNamingBoth(TestStack stack) throws Exception {
    Path config =
        properties(
            Map.of(
                "bootstrap.servers", stack.bootstrapServers(),
                "archive.uri", "ftp://archive",
                "rotation.recrods", "1000"));

    try (ServiceJar archiver =
        ServiceJar.start(
            JAR,
            dir,
            Map.of("RETRACE_SCHEMA_REGISTRY_URL", stack.registryUrl()),
            "--config",
            config.toString())) {
      assertThat(archiver.awaitExit()).as(archiver.stderr()).isEqualTo(2);
      assertThat(archiver.stderr())
          .contains("Invalid archiver configuration")
          .contains("archive.uri=ftp://archive", "use file:///path or s3a://bucket/prefix")
          .contains("rotation.recrods: unknown archiver setting", "did you mean rotation.records?")
          .doesNotContain("Exception", "\tat ");
      assertThat(archiver.stdout()).doesNotContain("Exception");
    }
  }

  @Test
  void helpListsTheOptionsEverySettingAndTheEnvironmentVariables() throws Exception {
    try (ServiceJar archiver = ServiceJar.start(JAR, dir, Map.of(), "--help")) {
      assertThat(archiver.awaitExit()).as(archiver.stderr()).isZero();
      assertThat(archiver.stdout())
          .contains("java [JVM options] -jar retrace-archiver.jar [--config FILE] [KEY=VALUE ...]")
          .contains("RETRACE_ARCHIVE_URI", "-Dretrace.KEY", "/health", "/metrics")
          .contains(ArchiverConfig.SPEC.settings().stream().map(Setting::key).toList());
    }
  }

  @Test
  void theJarRunsItsMainClassWithMergedServiceFilesAndOneLoggingSetUp() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(ArchiverMain.class.getName());
      // One services file per interface, holding the entries of every dependency that has one.
      assertThat(ServiceJar.services(jar, "org.apache.hadoop.fs.FileSystem"))
          .contains(
              "org.apache.hadoop.fs.LocalFileSystem",
              "org.apache.hadoop.fs.s3native.NativeS3FileSystem");
      assertThat(ServiceJar.services(jar, "org.apache.hadoop.security.token.TokenIdentifier"))
          .contains(
              "org.apache.hadoop.mapreduce.security.token.JobTokenIdentifier",
              "org.apache.hadoop.fs.s3a.auth.delegation.SessionTokenIdentifier");
      assertThat(ServiceJar.services(jar, "software.amazon.awssdk.http.SdkHttpService"))
          .contains(
              "software.amazon.awssdk.http.apache.ApacheSdkHttpService",
              "software.amazon.awssdk.http.apache5.Apache5SdkHttpService");
      assertThat(ServiceJar.services(jar, "org.slf4j.spi.SLF4JServiceProvider"))
          .containsExactly("ch.qos.logback.classic.spi.LogbackServiceProvider");
      assertThat(jar.getEntry("logback.xml")).isNotNull();
      assertThat(jar.getEntry("core-default.xml")).isNotNull();
      assertThat(jar.stream().map(JarEntry::getName))
          .noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"))
          .noneMatch(name -> name.startsWith("org/apache/log4j/"))
          .noneMatch(name -> name.startsWith("org/apache/logging/log4j/"));
    }
  }

  /** Event ids in the Parquet files of the events table in the bucket, read with parquet-avro. */
  private List<String> eventIds(InProcessS3 s3) throws IOException {
    List<String> ids = new ArrayList<>();
    for (S3Object object : s3.store().list(BUCKET).contents()) {
      // s3proxy stages an object being written under another name; S3 itself never lists one.
      if (object.key().startsWith("archive/events/") && object.key().endsWith(".parquet")) {
        Path file = Files.createTempFile(dir, "object", ".parquet");
        try (InputStream in = s3.store().getBlob(BUCKET, object.key())) {
          Files.write(file, in.readAllBytes());
        }
        ArchiveContents.rows(file).forEach(r -> ids.add(r.get("event_id").toString()));
      }
    }
    return ids;
  }

  private Path properties(Map<String, String> settings) throws IOException {
    List<String> lines = new ArrayList<>();
    settings.forEach((key, value) -> lines.add(key + "=" + value));
    return Files.write(Files.createTempFile(dir, "archiver", ".properties"), lines, UTF_8);
  }
}
