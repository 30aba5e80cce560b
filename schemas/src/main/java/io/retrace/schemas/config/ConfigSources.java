package io.retrace.schemas.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where configuration values come from, highest precedence first: explicit values (command-line
 * options, agent arguments), {@code -Dretrace.<key>} system properties, {@code RETRACE_<KEY>}
 * environment variables, a properties file, then the defaults declared in the {@link ConfigSpec}.
 */
public final class ConfigSources {
  /**
   * A named layer of raw values. {@code strict} layers report keys no setting declares; an
   * environment layer is keyed by {@link #envName} instead of the setting key.
   */
  record Layer(String name, Map<String, String> values, boolean strict, boolean env) {
    String lookup(String key) {
      return values.get(env ? envName(key) : key);
    }
  }

  private final List<Layer> layers;

  private ConfigSources(List<Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Only explicit values, e.g. for tests and for code that builds config programmatically. */
  public static ConfigSources of(Map<String, String> explicit) {
    return builder().explicit("explicit values", explicit).build();
  }

  /**
   * A service's command line: {@code KEY=VALUE} (or {@code --KEY=VALUE}) arguments, then {@code
   * -Dretrace.KEY}, then {@code RETRACE_KEY}, then the file named by {@code --config FILE} (or
   * {@code --config=FILE}).
   *
   * @throws IllegalArgumentException for an argument that is none of those
   * @throws ConfigException when the file cannot be read
   */
  public static ConfigSources fromCommandLine(String[] args) {
    Map<String, String> explicit = new LinkedHashMap<>();
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--config")) {
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("--config needs a file");
        }
        file = Path.of(args[++i]);
      } else if (arg.startsWith("--config=")) {
        file = Path.of(arg.substring("--config=".length()));
      } else if (arg.indexOf('=') > 0) {
        String setting = arg.startsWith("--") ? arg.substring(2) : arg;
        int eq = setting.indexOf('=');
        explicit.put(setting.substring(0, eq), setting.substring(eq + 1));
      } else {
        throw new IllegalArgumentException(
            "Unexpected argument '" + arg + "': use --config FILE or KEY=VALUE");
      }
    }
    Builder sources = builder().explicit("command line", explicit).systemProperties().environment();
    if (file != null) {
      sources.file(file);
    }
    return sources.build();
  }

  List<Layer> layers() {
    return layers;
  }

  /**
   * The environment variable a key is read from: {@code spool.max-bytes} → {@code
   * RETRACE_SPOOL_MAX_BYTES}.
   */
  public static String envName(String key) {
    return "RETRACE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Adds layers in precedence order: the first added wins. */
  public static final class Builder {
    private final List<Layer> layers = new ArrayList<>();

    private Builder() {}

    /** Values given directly (CLI options, agent arguments); unknown keys are errors. */
    public Builder explicit(String name, Map<String, String> values) {
      layers.add(new Layer(name, new LinkedHashMap<>(values), true, false));
      return this;
    }

    /** {@code -Dretrace.<key>=value}. Unknown {@code retrace.*} properties are ignored. */
    public Builder systemProperties() {
      Map<String, String> values = new LinkedHashMap<>();
      for (String name : System.getProperties().stringPropertyNames()) {
        if (name.startsWith("retrace.")) {
          values.put(name.substring("retrace.".length()), System.getProperty(name));
        }
      }
      layers.add(new Layer("system property -Dretrace.<key>", values, false, false));
      return this;
    }

    /**
     * {@code RETRACE_<KEY>} environment variables, matched to declared keys by {@link #envName}.
     */
    public Builder environment(Map<String, String> env) {
      layers.add(new Layer("environment RETRACE_<KEY>", Map.copyOf(env), false, true));
      return this;
    }

    public Builder environment() {
      return environment(System.getenv());
    }

    /** A properties file; a missing file is an error, unknown keys in it are errors too. */
    public Builder file(Path file) {
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (IOException e) {
        throw new ConfigException(
            "file", List.of("cannot read config file " + file + ": " + e.getMessage()));
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (String name : props.stringPropertyNames()) {
        values.put(name, props.getProperty(name).trim());
      }
      layers.add(new Layer("file " + file, values, true, false));
      return this;
    }

    public ConfigSources build() {
      return new ConfigSources(layers);
    }
  }
}
