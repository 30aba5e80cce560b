package io.retrace.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSpecTest {
  enum Mode {
    RECORD,
    REPLAY,
    OFF
  }

  private final ConfigSpec spec = new ConfigSpec("agent");
  private final Setting<String> service = spec.requiredString("service", "Service name.");
  private final Setting<Mode> mode = spec.enumeration("mode", Mode.class, Mode.RECORD, "Mode.");
  private final Setting<Integer> buffer =
      spec.integer("buffer.events", 65_536, 1, 1 << 24, "Buffer size.");
  private final Setting<Duration> window =
      spec.duration("max.window", Duration.ofMinutes(10), "Longest window.");
  private final Setting<Long> spool = spec.bytes("spool.max.bytes", 256L << 20, "Spool bound.");
  private final Setting<List<String>> methods = spec.list("capture.methods", List.of(), "Methods.");
  private final Setting<Boolean> control = spec.bool("control", false, "Follow control topic.");

  @TempDir Path dir;

  @Test
  void defaultsApplyWhenNothingIsSet() {
    Config config = spec.load(ConfigSources.of(Map.of("service", "orders")));

    assertThat(config.get(mode)).isEqualTo(Mode.RECORD);
    assertThat(config.get(buffer)).isEqualTo(65_536);
    assertThat(config.get(window)).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.get(methods)).isEmpty();
    assertThat(config.origin(mode)).isEqualTo("default");
  }

  @Test
  void explicitBeatsSystemPropertiesBeatsEnvironmentBeatsFile() throws Exception {
    Path file = dir.resolve("retrace.properties");
    Files.writeString(file, "service=from-file\nmode=off\nbuffer.events=10\nmax.window=1h\n");
    System.setProperty("retrace.mode", "replay");
    System.setProperty("retrace.buffer.events", "20");
    try {
      Config config =
          spec.load(
              ConfigSources.builder()
                  .explicit("agent arguments", Map.of("buffer.events", "30"))
                  .systemProperties()
                  .environment(Map.of("RETRACE_MAX_WINDOW", "5m", "RETRACE_MODE", "off"))
                  .file(file)
                  .build());

      assertThat(config.get(buffer)).isEqualTo(30);
      assertThat(config.get(mode)).isEqualTo(Mode.REPLAY);
      assertThat(config.get(window)).isEqualTo(Duration.ofMinutes(5));
      assertThat(config.get(service)).isEqualTo("from-file");
      assertThat(config.origin(window)).isEqualTo("environment RETRACE_<KEY>");
    } finally {
      System.clearProperty("retrace.mode");
      System.clearProperty("retrace.buffer.events");
    }
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsKeyAndSource() {
    assertThatThrownBy(
            () ->
                spec.load(
                    ConfigSources.of(
                        Map.of(
                            "mode", "sideways",
                            "buffer.events", "0",
                            "max.window", "soon",
                            "spool.max.byte", "1gb",
                            "control", "maybe"))))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(6)
                    .anyMatch(p -> p.startsWith("service: required"))
                    .anyMatch(p -> p.contains("mode=sideways") && p.contains("record, replay, off"))
                    .anyMatch(p -> p.contains("buffer.events=0") && p.contains("outside 1.."))
                    .anyMatch(p -> p.contains("max.window=soon") && p.contains("60s"))
                    .anyMatch(
                        p ->
                            p.startsWith("spool.max.byte: unknown agent setting")
                                && p.contains("did you mean spool.max.bytes?"))
                    .anyMatch(p -> p.contains("control=maybe")));
  }

  @Test
  void parsesSizesDurationsAndLists() {
    Config config =
        spec.load(
            ConfigSources.of(
                Map.of(
                    "service", "s",
                    "spool.max.bytes", "64mb",
                    "max.window", "90s",
                    "capture.methods", "com.acme.Pricing#quote, com.acme.Tax#rate ,")));

    assertThat(config.get(spool)).isEqualTo(64L << 20);
    assertThat(config.get(window)).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.get(methods)).containsExactly("com.acme.Pricing#quote", "com.acme.Tax#rate");
  }

  @Test
  void unknownRetracePropertiesAndEnvironmentDoNotFailLoading() {
    Config config =
        spec.load(
            ConfigSources.builder()
                .environment(Map.of("RETRACE_JAVA_OPTS", "-Xmx1g", "RETRACE_SERVICE", "env-svc"))
                .build());

    assertThat(config.get(service)).isEqualTo("env-svc");
  }

  @Test
  void describeListsEveryKeyWithItsDefault() {
    assertThat(spec.describe())
        .contains("buffer.events", "(default: 65536)", "service", "(required)");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> ConfigSources.builder().file(dir.resolve("nope.properties")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.properties");
  }
}
