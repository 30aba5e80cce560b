package io.retrace.redaction;

import io.retrace.redaction.internal.PolicyModel;
import io.retrace.redaction.internal.PolicyParser;
import io.retrace.redaction.internal.YamlNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A redaction policy: which fields to drop, mask, hash, truncate or replace, which detectors run
 * and with which action, per service on top of defaults, optionally fail-closed. Immutable; parsed
 * from YAML (see docs/redaction.md) on top of the built-in rules. Its {@link #hash()} is stamped on
 * every event it changes.
 */
public final class RedactionPolicy {
  private static final String BUILTIN_RESOURCE = "builtin-policy.yaml";
  private static final Builtin BUILTIN = Builtin.load();

  private final String source;
  private final PolicyModel model;
  private final String hash;

  private RedactionPolicy(String source, PolicyModel model, String hash) {
    this.source = source;
    this.model = model;
    this.hash = hash;
  }

  /** Reads a policy file; a PolicyException names the file, and the line of every problem. */
  public static RedactionPolicy load(Path yamlFile) {
    String text;
    try {
      text = Files.readString(yamlFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PolicyException(
          yamlFile.toString(), List.of(yamlFile + ": cannot be read: " + e.getMessage()));
    }
    return parse(text, yamlFile.toString());
  }

  /** Parses policy text; {@code sourceName} is what problems are reported against. */
  public static RedactionPolicy parse(String yaml, String sourceName) {
    List<String> problems = new ArrayList<>();
    YamlNode root = YamlNode.parse(yaml, sourceName, problems);
    PolicyModel model =
        problems.isEmpty()
            ? PolicyParser.parse(root, sourceName, BUILTIN.defaults(), problems)
            : null;
    if (model == null) {
      throw new PolicyException(sourceName, problems);
    }
    StringBuilder canonical = new StringBuilder(BUILTIN.canonical()).append('\n');
    root.canonical(canonical);
    return new RedactionPolicy(sourceName, model, sha256(canonical.toString()));
  }

  /**
   * The built-in policy: the default deny lists (credentials in headers, query parameters, JSON
   * members, form fields, columns, environment keys, method arguments) and every detector on.
   */
  public static RedactionPolicy defaults() {
    return DefaultsHolder.DEFAULTS;
  }

  /** The file's {@code version:}, {@code builtin} for {@link #defaults()}. */
  public String version() {
    return model.version();
  }

  /**
   * The first 16 hex digits of the SHA-256 of the canonical policy (the built-in rules plus the
   * file with comments, formatting and key order removed): the same policy always has the same
   * hash, and any change to a rule changes it.
   */
  public String hash() {
    return hash;
  }

  /** Where the policy came from (a file name), for logs. */
  public String source() {
    return source;
  }

  PolicyModel model() {
    return model;
  }

  @Override
  public String toString() {
    return "RedactionPolicy[" + source + ", version " + version() + ", hash " + hash + "]";
  }

  private static String sha256(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static final class DefaultsHolder {
    static final RedactionPolicy DEFAULTS = parse("version: builtin\n", "built-in policy");
  }

  /** The built-in rules every policy starts from, and their canonical text for the hash. */
  private record Builtin(PolicyModel model, String canonical) {
    PolicyModel.ScopeSpec defaults() {
      return PolicyParser.defaultsOf(model);
    }

    static Builtin load() {
      String text;
      try (InputStream in = RedactionPolicy.class.getResourceAsStream(BUILTIN_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(BUILTIN_RESOURCE + " is missing from the classpath");
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> problems = new ArrayList<>();
      YamlNode root = YamlNode.parse(text, BUILTIN_RESOURCE, problems);
      PolicyModel model =
          problems.isEmpty() ? PolicyParser.parse(root, BUILTIN_RESOURCE, null, problems) : null;
      if (model == null) {
        throw new PolicyException(BUILTIN_RESOURCE, problems);
      }
      StringBuilder canonical = new StringBuilder();
      root.canonical(canonical);
      return new Builtin(model, canonical.toString());
    }
  }
}
