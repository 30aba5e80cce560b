package io.retrace.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {
  private static final ConfigSpec SPEC = new ConfigSpec("test");
  private static final Setting<String> NAME = SPEC.string("name", "anonymous", "who");
  private static final Setting<Integer> PORT = SPEC.integer("port", 8080, 1, 65535, "where");

  @Test
  void commandLineSettingsOverTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("service.properties");
    Files.writeString(file, "name=from-file\nport=9000\n");

    Config both =
        SPEC.load(
            ConfigSources.fromCommandLine(
                new String[] {"--config", file.toString(), "--name=cli"}));
    assertThat(both.get(NAME)).isEqualTo("cli");
    assertThat(both.get(PORT)).isEqualTo(9000);

    Config fileOnly = SPEC.load(ConfigSources.fromCommandLine(new String[] {"--config=" + file}));
    assertThat(fileOnly.get(NAME)).isEqualTo("from-file");

    Config bare = SPEC.load(ConfigSources.fromCommandLine(new String[] {"port=1"}));
    assertThat(bare.get(PORT)).isEqualTo(1);
    assertThat(bare.get(NAME)).isEqualTo("anonymous");
  }

  @Test
  void anArgumentThatIsNoSettingIsNamed() {
    assertThatThrownBy(() -> ConfigSources.fromCommandLine(new String[] {"--verbose"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'--verbose'");
    assertThatThrownBy(() -> ConfigSources.fromCommandLine(new String[] {"--config"}))
        .hasMessageContaining("--config needs a file");
  }
}
