package io.retrace.ingest.internal;

import io.retrace.redaction.PolicyException;
import io.retrace.redaction.RedactionPolicy;
import io.retrace.redaction.Redactor;
import io.retrace.schemas.event.RecordedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redactor the topology applies, swapped without a restart when the policy file changes: a
 * daemon thread compares the file's digest every {@code checkInterval}; a new policy that does not
 * parse is logged with all its problems and the old one stays in force. Thread-safe.
 */
public final class RedactionHolder implements UnaryOperator<RecordedEvent>, AutoCloseable {
  /** Stage name the redactor stamps on its notes. */
  public static final String STAGE = "ingest";

  private static final Logger log = LoggerFactory.getLogger(RedactionHolder.class);

  private final AtomicReference<Redactor> current;
  private final Path policyFile;
  private final byte[] hmacKey;
  private final IngestMetrics metrics;
  private final ScheduledExecutorService watcher;
  private byte[] digest;

  private RedactionHolder(
      Redactor initial, Path policyFile, byte[] digest, byte[] hmacKey, IngestMetrics metrics) {
    this.current = new AtomicReference<>(initial);
    this.policyFile = policyFile;
    this.digest = digest;
    this.hmacKey = hmacKey.clone();
    this.metrics = metrics;
    this.watcher =
        policyFile == null
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "retrace-ingest-policy-watcher");
                  t.setDaemon(true);
                  return t;
                });
  }

  /**
   * Loads the policy (the built-in defaults when {@code policyFile} is null) and, for a file,
   * starts watching it.
   *
   * @throws PolicyException when the initial policy is invalid: the app must not start without one
   */
  public static RedactionHolder start(
      Path policyFile, byte[] hmacKey, Duration checkInterval, IngestMetrics metrics) {
    RedactionPolicy policy;
    byte[] digest = null;
    if (policyFile == null) {
      policy = RedactionPolicy.defaults();
    } else {
      byte[] bytes = read(policyFile);
      digest = sha256(bytes);
      policy = RedactionPolicy.load(policyFile);
    }
    RedactionHolder holder =
        new RedactionHolder(
            Redactor.create(policy, hmacKey, STAGE), policyFile, digest, hmacKey, metrics);
    log.info(
        "Redaction policy {} version {} (hash {})",
        policyFile == null ? "built-in defaults" : policyFile,
        policy.version(),
        policy.hash());
    if (holder.watcher != null) {
      long ms = Math.max(100, checkInterval.toMillis());
      holder.watcher.scheduleWithFixedDelay(holder::checkNow, ms, ms, TimeUnit.MILLISECONDS);
    }
    return holder;
  }

  @Override
  public RecordedEvent apply(RecordedEvent event) {
    return current.get().redact(event);
  }

  /** The hash of the policy in force. */
  public String policyHash() {
    return current.get().policyHash();
  }

  /** Reloads the policy if the file changed; returns whether a new policy is now in force. */
  synchronized boolean checkNow() {
    try {
      byte[] bytes = read(policyFile);
      byte[] next = sha256(bytes);
      if (Arrays.equals(next, digest)) {
        return false;
      }
      digest = next;
      RedactionPolicy policy =
          RedactionPolicy.parse(new String(bytes, StandardCharsets.UTF_8), policyFile.toString());
      current.set(Redactor.create(policy, hmacKey, STAGE));
      metrics.policyReload(true);
      log.info(
          "Reloaded redaction policy {}: version {} (hash {})",
          policyFile,
          policy.version(),
          policy.hash());
      return true;
    } catch (PolicyException e) {
      metrics.policyReload(false);
      log.error(
          "The changed redaction policy {} is invalid; keeping policy {}. Problems: {}",
          policyFile,
          policyHash(),
          e.problems());
      return false;
    } catch (RuntimeException e) {
      metrics.policyReload(false);
      log.error(
          "Cannot reload redaction policy {}; keeping policy {}", policyFile, policyHash(), e);
      return false;
    }
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new PolicyException(file.toString(), List.of("the policy file does not exist"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read redaction policy " + file, e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
