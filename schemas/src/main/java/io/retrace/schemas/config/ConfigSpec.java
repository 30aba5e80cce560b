package io.retrace.schemas.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of one module, each declared once with default, doc and validation. Loading checks
 * every source at once and reports every problem together, naming each bad key and its source.
 */
public final class ConfigSpec {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?");

  private final String name;
  private final Map<String, Setting<?>> settings = new LinkedHashMap<>();

  /**
   * @param name what is configured, for messages: {@code agent}, {@code archiver}
   */
  public ConfigSpec(String name) {
    this.name = name;
  }

  public <T> Setting<T> define(Setting<T> setting) {
    if (settings.putIfAbsent(setting.key(), setting) != null) {
      throw new IllegalStateException("Setting " + setting.key() + " is declared twice");
    }
    return setting;
  }

  public Setting<String> string(String key, String defaultValue, String doc) {
    return define(new Setting<>(key, defaultValue, doc, s -> s, false));
  }

  /** A string that must be given; its absence is reported with the other problems. */
  public Setting<String> requiredString(String key, String doc) {
    return define(new Setting<>(key, null, doc, s -> s, true));
  }

  public Setting<Boolean> bool(String key, boolean defaultValue, String doc) {
    return define(new Setting<>(key, defaultValue, doc, ConfigSpec::parseBoolean, false));
  }

  public Setting<Integer> integer(String key, int defaultValue, int min, int max, String doc) {
    return define(
        new Setting<>(key, defaultValue, doc, s -> (int) inRange(parseLong(s), min, max), false));
  }

  public Setting<Double> decimal(
      String key, double defaultValue, double min, double max, String doc) {
    return define(
        new Setting<>(
            key,
            defaultValue,
            doc,
            s -> {
              double v;
              try {
                v = Double.parseDouble(s);
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a number");
              }
              if (v < min || v > max) {
                throw new IllegalArgumentException(s + " is outside " + min + ".." + max);
              }
              return v;
            },
            false));
  }

  /**
   * A duration: {@code 500ms}, {@code 60s}, {@code 5m}, {@code 1h}, {@code 7d}; a bare number is
   * ms.
   */
  public Setting<Duration> duration(String key, Duration defaultValue, String doc) {
    return define(new Setting<>(key, defaultValue, doc, ConfigSpec::parseDuration, false));
  }

  /** A byte size: {@code 512}, {@code 64kb}, {@code 256mb}, {@code 2gb}. */
  public Setting<Long> bytes(String key, long defaultValue, String doc) {
    return define(new Setting<>(key, defaultValue, doc, ConfigSpec::parseBytes, false));
  }

  public <E extends Enum<E>> Setting<E> enumeration(
      String key, Class<E> type, E defaultValue, String doc) {
    return define(new Setting<>(key, defaultValue, doc, s -> parseEnum(type, s), false));
  }

  /** A comma-separated list; blanks are dropped. */
  public Setting<List<String>> list(String key, List<String> defaultValue, String doc) {
    return define(
        new Setting<>(
            key,
            List.copyOf(defaultValue),
            doc,
            s -> Arrays.stream(s.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList(),
            false));
  }

  /** Any other type, parsed by {@code parser}. */
  public <T> Setting<T> custom(String key, T defaultValue, String doc, Function<String, T> parser) {
    return define(new Setting<>(key, defaultValue, doc, parser, false));
  }

  public List<Setting<?>> settings() {
    return List.copyOf(settings.values());
  }

  /**
   * Resolves every setting from {@code sources}.
   *
   * @throws ConfigException listing every unknown key, unparseable value and missing required
   *     value, each with the source it came from
   */
  public Config load(ConfigSources sources) {
    List<String> problems = new ArrayList<>();
    for (ConfigSources.Layer layer : sources.layers()) {
      if (layer.strict()) {
        for (String key : layer.values().keySet()) {
          if (!settings.containsKey(key)) {
            problems.add(
                key + ": unknown " + name + " setting (from " + layer.name() + ")" + hint(key));
          }
        }
      }
    }
    Map<Setting<?>, Object> values = new LinkedHashMap<>();
    Map<Setting<?>, String> origins = new HashMap<>();
    for (Setting<?> setting : settings.values()) {
      String raw = null;
      String origin = null;
      for (ConfigSources.Layer layer : sources.layers()) {
        String candidate = layer.lookup(setting.key());
        if (candidate != null) {
          raw = candidate.trim();
          origin = layer.name();
          break;
        }
      }
      if (raw == null || raw.isEmpty()) {
        if (setting.required()) {
          problems.add(setting.key() + ": required, not set (" + setting.doc() + ")");
        }
        values.put(setting, setting.defaultValue());
        continue;
      }
      try {
        values.put(setting, setting.parser().apply(raw));
        origins.put(setting, origin);
      } catch (IllegalArgumentException e) {
        problems.add(setting.key() + "=" + raw + " (from " + origin + "): " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(name, problems);
    }
    return new Config(values, origins);
  }

  /** A table of the settings for {@code --help} and docs: key, default, doc. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (Setting<?> s : settings.values()) {
      out.append(String.format(Locale.ROOT, "  %-28s %s%n", s.key(), s.doc()));
      out.append(
          String.format(
              Locale.ROOT,
              "  %-28s %s%n",
              "",
              s.required() ? "(required)" : "(default: " + render(s.defaultValue()) + ")"));
    }
    return out.toString();
  }

  private String hint(String key) {
    String best = null;
    int bestDistance = 3;
    for (String known : settings.keySet()) {
      int d = distance(key, known);
      if (d < bestDistance) {
        bestDistance = d;
        best = known;
      }
    }
    return best == null ? "" : "; did you mean " + best + "?";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String render(Object value) {
    if (value instanceof List<?> list) {
      return list.isEmpty()
          ? "none"
          : String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  static boolean parseBoolean(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("'" + s + "' is not true or false");
    };
  }

  static long parseLong(String s) {
    try {
      return Long.parseLong(s.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "' is not a whole number");
    }
  }

  static long inRange(long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
    }
    return v;
  }

  /** Parses {@code 500ms}, {@code 60s}, {@code 5m}, {@code 1h}, {@code 7d}; a bare number is ms. */
  public static Duration parseDuration(String s) {
    Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + s + "' is not a duration like 500ms, 60s, 5m, 1h, 7d");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  static long parseBytes(String s) {
    Matcher m = SIZE.matcher(s.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + s + "' is not a size like 512, 64kb, 256mb, 2gb");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    return switch (unit) {
      case "b" -> n;
      case "k", "kb" -> n << 10;
      case "m", "mb" -> n << 20;
      default -> n << 30;
    };
  }

  static <E extends Enum<E>> E parseEnum(Class<E> type, String s) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s.replace('-', '_'))) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + s
            + "' is not one of "
            + String.join(
                ", ",
                Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT))
                    .toList()));
  }
}
