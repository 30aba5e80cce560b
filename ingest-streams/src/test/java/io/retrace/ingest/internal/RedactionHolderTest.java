package io.retrace.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retrace.redaction.PolicyException;
import io.retrace.redaction.RedactionPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactionHolderTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void changedPolicyIsSwappedInAndABadOneIsRejectedKeepingTheOld() throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, "version: one\n");
    try (RedactionHolder holder =
        RedactionHolder.start(file, KEY, Duration.ofHours(1), new IngestMetrics(meters))) {
      String first = holder.policyHash();
      assertThat(holder.checkNow()).isFalse();

      Files.writeString(file, "version: two\n");
      assertThat(holder.checkNow()).isTrue();
      String second = holder.policyHash();
      assertThat(second)
          .isNotEqualTo(first)
          .isEqualTo(RedactionPolicy.parse("version: two\n", "x").hash());

      Files.writeString(file, "version: three\nnot-a-key: [\n");
      assertThat(holder.checkNow()).isFalse();
      assertThat(holder.policyHash()).isEqualTo(second);
      assertThat(meters.counter("retrace.ingest.policy.reloads", "outcome", "rejected").count())
          .isEqualTo(1);
    }
  }

  @Test
  void withoutAFileTheBuiltInDefaultsApply() {
    try (RedactionHolder holder =
        RedactionHolder.start(null, KEY, Duration.ofSeconds(1), new IngestMetrics(meters))) {
      assertThat(holder.policyHash()).isEqualTo(RedactionPolicy.defaults().hash());
    }
  }

  @Test
  void anInvalidInitialPolicyStopsTheStart() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "version: [\n");
    assertThatThrownBy(
            () ->
                RedactionHolder.start(file, KEY, Duration.ofSeconds(1), new IngestMetrics(meters)))
        .isInstanceOf(PolicyException.class);
  }
}
