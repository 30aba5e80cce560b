package io.retrace.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryConfigTest {

  @Test
  void takesSeveralUrlsAndCredentialsFromThem() {
    RegistryConfig config = RegistryConfig.of(" http://carol:pw@reg-a:8081/ , https://reg-b/base/");

    assertThat(config.urls()).containsExactly("http://reg-a:8081", "https://reg-b/base");
    assertThat(config.userInfo()).isEqualTo("carol:pw");
    assertThat(config.sslContext()).isNull();
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.retries()).isEqualTo(3);
    assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void ignoresCredentialsInTheUrlWhenUserInfoIsTheSource() {
    RegistryConfig config =
        RegistryConfig.from(
            Map.of(
                RegistryConfig.URL, "http://carol:pw@reg:8081",
                RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                RegistryConfig.BASIC_AUTH_USER_INFO, new Password("dave:secret")));

    assertThat(config.userInfo()).isEqualTo("dave:secret");
    assertThat(config.toString()).contains("dave:****").doesNotContain("secret");
  }

  @Test
  void reportsEveryProblemAtOnceNamingTheKeys() {
    Map<String, Object> configs = new HashMap<>();
    configs.put(RegistryConfig.URL, "http://ok:1,ftp://eve:hunter2@nope");
    configs.put(RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT");
    configs.put(RegistryConfig.REQUEST_TIMEOUT_MS, "soon");
    configs.put(RegistryConfig.RETRIES, -1);
    configs.put(RegistryConfig.SSL_TRUSTSTORE_LOCATION, "/does/not/exist.jks");

    assertThatThrownBy(() -> RegistryConfig.from(configs))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url: 'ftp://****@nope' is not a valid URL")
        .hasMessageContaining("basic.auth.credentials.source=SASL_INHERIT")
        .hasMessageContaining("schema.registry.request.timeout.ms=soon")
        .hasMessageContaining("schema.registry.retries=-1")
        .hasMessageContaining("schema.registry.ssl.truststore.location=/does/not/exist.jks")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void requiresAUrlAndUserInfoWhenThatIsTheSource() {
    assertThatThrownBy(
            () ->
                RegistryConfig.from(
                    Map.of(RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url is required")
        .hasMessageContaining("basic.auth.user.info must be 'user:password'");
  }

  @Test
  void talksMutualTlsWithTheConfiguredStores(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("registry.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-alias",
                "registry",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    Map<String, Object> tls = new HashMap<>();
    tls.put(RegistryConfig.SSL_TRUSTSTORE_LOCATION, store.toString());
    tls.put(RegistryConfig.SSL_TRUSTSTORE_PASSWORD, "changeit");
    tls.put(RegistryConfig.SSL_TRUSTSTORE_TYPE, "PKCS12");
    tls.put(RegistryConfig.SSL_KEYSTORE_LOCATION, store.toString());
    tls.put(RegistryConfig.SSL_KEYSTORE_PASSWORD, "changeit");
    tls.put(RegistryConfig.SSL_KEYSTORE_TYPE, "PKCS12");
    tls.put(RegistryConfig.URL, "https://127.0.0.1:1");

    try (FakeRegistry server = new FakeRegistry(RegistryConfig.from(tls).sslContext())) {
      server.answer("GET", "/subjects", 200, "[\"over-tls\"]");
      tls.put(RegistryConfig.URL, server.url());

      assertThat(new RestSchemaRegistryClient(RegistryConfig.from(tls)).subjects())
          .containsExactly("over-tls");
    }
  }
}
