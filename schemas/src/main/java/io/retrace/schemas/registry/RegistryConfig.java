package io.retrace.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * How to reach the schema registry, parsed from Confluent's configuration keys so that a producer
 * or consumer configuration written for Confluent's serializers works unchanged.
 *
 * @param urls base URLs without credentials or trailing slash, tried in order
 * @param userInfo {@code user:password} for HTTP basic authentication, or null
 * @param sslContext the TLS context built from the key and trust stores, or null for the JVM's
 * @param requestTimeout the connect and response timeout of each request
 * @param retries how many times a retriable failure is retried
 * @param retryBackoff the wait before the first retry; it doubles with each further one
 */
public record RegistryConfig(
    List<String> urls,
    String userInfo,
    SSLContext sslContext,
    Duration requestTimeout,
    int retries,
    Duration retryBackoff) {

  /** Comma-separated base URLs of the registry; required. */
  public static final String URL = "schema.registry.url";

  /** {@code URL} (credentials in the registry URL, the default) or {@code USER_INFO}. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";

  /** {@code user:password} when the credentials source is {@code USER_INFO}. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

  public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";

  /** Trust store type; default JKS (which also reads PKCS12 files). */
  public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";

  public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";

  /** Key store type; default JKS (which also reads PKCS12 files). */
  public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";

  /** Password of the private key; defaults to the key store password. */
  public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

  /** Retrace's own: connect and response timeout per request; default 10000. */
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

  /** Retrace's own: retries of a retriable failure; default 3. */
  public static final String RETRIES = "schema.registry.retries";

  /** Retrace's own: wait before the first retry, doubling after; default 100. */
  public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";

  private static final String DEFAULT_STORE_TYPE = "JKS";

  public RegistryConfig {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one registry URL is needed");
    }
    urls = List.copyOf(urls);
  }

  /** The configuration for the given comma-separated URLs, with every other key at its default. */
  public static RegistryConfig of(String urls) {
    return from(Map.of(URL, urls));
  }

  /**
   * Parses the registry keys out of a Kafka client configuration; other keys are ignored.
   *
   * @throws ConfigException listing every invalid or missing key at once
   */
  public static RegistryConfig from(Map<String, ?> configs) {
    List<String> problems = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    String urlUserInfo = null;
    String rawUrls = string(configs, URL);
    if (rawUrls == null || rawUrls.isBlank()) {
      problems.add(URL + " is required");
    } else {
      for (String raw : rawUrls.split(",")) {
        try {
          URI uri = new URI(raw.trim());
          if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
              || uri.getHost() == null) {
            throw new URISyntaxException(raw, "expected http(s)://host[:port][/path]");
          }
          if (uri.getUserInfo() != null && urlUserInfo == null) {
            urlUserInfo = uri.getUserInfo();
          }
          String base =
              new URI(
                      uri.getScheme(),
                      null,
                      uri.getHost(),
                      uri.getPort(),
                      uri.getPath(),
                      null,
                      null)
                  .toString();
          urls.add(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        } catch (URISyntaxException e) {
          problems.add(
              URL + ": '" + redacted(raw.trim()) + "' is not a valid URL: " + e.getReason());
        }
      }
    }

    String userInfo = null;
    String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE);
    String sourceName = source == null ? "URL" : source.trim().toUpperCase(Locale.ROOT);
    if (sourceName.equals("URL")) {
      userInfo = urlUserInfo;
    } else if (sourceName.equals("USER_INFO")) {
      userInfo = string(configs, BASIC_AUTH_USER_INFO);
      if (userInfo == null || userInfo.indexOf(':') < 0) {
        problems.add(
            BASIC_AUTH_USER_INFO
                + " must be 'user:password' when "
                + BASIC_AUTH_CREDENTIALS_SOURCE
                + "=USER_INFO");
      }
    } else {
      problems.add(BASIC_AUTH_CREDENTIALS_SOURCE + "=" + source + ": expected URL or USER_INFO");
    }

    SSLContext sslContext = sslContext(configs, problems);
    long timeoutMs = number(configs, REQUEST_TIMEOUT_MS, 10_000, 1, problems);
    long retries = number(configs, RETRIES, 3, 0, problems);
    long backoffMs = number(configs, RETRY_BACKOFF_MS, 100, 0, problems);

    if (!problems.isEmpty()) {
      throw new ConfigException(
          "Invalid schema registry configuration: " + String.join("; ", problems));
    }
    return new RegistryConfig(
        urls,
        userInfo,
        sslContext,
        Duration.ofMillis(timeoutMs),
        (int) Math.min(retries, Integer.MAX_VALUE),
        Duration.ofMillis(backoffMs));
  }

  /** Keeps the password out of logs. */
  @Override
  public String toString() {
    return "RegistryConfig[urls="
        + urls
        + ", basicAuth="
        + (userInfo == null ? "none" : userInfo.split(":", 2)[0] + ":****")
        + ", tls="
        + (sslContext == null ? "default" : "configured")
        + ", requestTimeout="
        + requestTimeout
        + ", retries="
        + retries
        + ", retryBackoff="
        + retryBackoff
        + "]";
  }

  /** The URL with any credentials in it masked, for messages. */
  private static String redacted(String url) {
    return url.replaceAll("//[^/@]*@", "//****@");
  }

  private static SSLContext sslContext(Map<String, ?> configs, List<String> problems) {
    String trustLocation = string(configs, SSL_TRUSTSTORE_LOCATION);
    String keyLocation = string(configs, SSL_KEYSTORE_LOCATION);
    if (trustLocation == null && keyLocation == null) {
      return null;
    }
    try {
      TrustManagerFactory trust = null;
      if (trustLocation != null) {
        KeyStore store =
            load(
                configs,
                SSL_TRUSTSTORE_LOCATION,
                SSL_TRUSTSTORE_PASSWORD,
                SSL_TRUSTSTORE_TYPE,
                problems);
        if (store == null) {
          return null;
        }
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
      }
      KeyManagerFactory keys = null;
      if (keyLocation != null) {
        KeyStore store =
            load(
                configs, SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_PASSWORD, SSL_KEYSTORE_TYPE, problems);
        if (store == null) {
          return null;
        }
        String keyPassword = string(configs, SSL_KEY_PASSWORD);
        if (keyPassword == null) {
          keyPassword = string(configs, SSL_KEYSTORE_PASSWORD);
        }
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, keyPassword == null ? new char[0] : keyPassword.toCharArray());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keys == null ? null : keys.getKeyManagers(),
          trust == null ? null : trust.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      problems.add(
          "cannot build the TLS context from "
              + SSL_TRUSTSTORE_LOCATION
              + "/"
              + SSL_KEYSTORE_LOCATION
              + ": "
              + e.getMessage());
      return null;
    }
  }

  private static KeyStore load(
      Map<String, ?> configs,
      String locationKey,
      String passwordKey,
      String typeKey,
      List<String> problems) {
    String location = string(configs, locationKey);
    String type = string(configs, typeKey);
    String password = string(configs, passwordKey);
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(type == null ? DEFAULT_STORE_TYPE : type);
      store.load(in, password == null ? null : password.toCharArray());
      return store;
    } catch (IOException | GeneralSecurityException e) {
      problems.add(
          locationKey
              + "="
              + location
              + ": cannot load the "
              + (type == null ? DEFAULT_STORE_TYPE : type)
              + " store: "
              + e);
      return null;
    }
  }

  private static long number(
      Map<String, ?> configs, String key, long defaultValue, long min, List<String> problems) {
    String value = string(configs, key);
    if (value == null) {
      return defaultValue;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below together with the out-of-range case
    }
    problems.add(key + "=" + value + ": expected a whole number of at least " + min);
    return defaultValue;
  }

  private static String string(Map<String, ?> configs, String key) {
    Object value = configs.get(key);
    if (value == null) {
      return null;
    }
    // Kafka hands PASSWORD-typed settings over wrapped so that they do not print.
    return value instanceof Password password ? password.value() : value.toString();
  }
}
