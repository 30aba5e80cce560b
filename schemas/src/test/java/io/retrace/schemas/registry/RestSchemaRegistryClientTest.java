package io.retrace.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.serde.AvroDeserializer;
import io.retrace.schemas.serde.AvroSerde;
import io.retrace.schemas.serde.AvroSerializer;
import io.retrace.schemas.serde.WireFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\","
                  + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}");
  private static final String SCHEMA_JSON = quoted(SCHEMA.toString());

  private final FakeRegistry fake = startFake();

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @Test
  void registersWithTheConfluentRequestShape() throws IOException {
    fake.answer("POST", "/subjects/retrace.rec.r1-value/versions", 200, "{\"id\":5}");

    int id = client(fake.url()).register("retrace.rec.r1-value", SCHEMA);

    assertThat(id).isEqualTo(5);
    FakeRegistry.Request request = fake.requests.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/subjects/retrace.rec.r1-value/versions");
    assertThat(request.headers())
        .containsEntry("content-type", "application/vnd.schemaregistry.v1+json");
    assertThat(request.headers().get("accept"))
        .startsWith("application/vnd.schemaregistry.v1+json");
    assertThat(JSON.readTree(request.body()))
        .isEqualTo(JSON.createObjectNode().put("schema", SCHEMA.toString()));
  }

  @Test
  void encodesTheSubjectAsOnePathSegment() {
    fake.answer("POST", "/subjects/a%2Fb%20c%2Bd/versions", 200, "{\"id\":1}");

    assertThat(client(fake.url()).register("a/b c+d", SCHEMA)).isEqualTo(1);
  }

  @Test
  void cachesIdsAndSchemasSoRepeatedCallsMakeNoRequest() {
    fake.answer("POST", "/subjects/s/versions", 200, "{\"id\":5}")
        .answer("GET", "/schemas/ids/7", 200, "{\"schema\":" + SCHEMA_JSON + "}")
        .answer(
            "POST",
            "/subjects/s",
            200,
            "{\"subject\":\"s\",\"id\":5,\"version\":3,\"schema\":" + SCHEMA_JSON + "}");
    RestSchemaRegistryClient client = client(fake.url());

    client.register("s", SCHEMA);
    client.register("s", SCHEMA);
    Schema byRegisteredId = client.getById(5);
    Schema first = client.getById(7);
    Schema second = client.getById(7);
    SchemaVersion looked = client.lookup("s", SCHEMA);
    client.lookup("s", SCHEMA);

    assertThat(byRegisteredId).isEqualTo(SCHEMA);
    assertThat(first).isEqualTo(SCHEMA).isSameAs(second);
    assertThat(looked).isEqualTo(new SchemaVersion("s", 3, 5, SCHEMA));
    assertThat(fake.requests)
        .extracting(r -> r.method() + " " + r.path())
        .containsExactly("POST /subjects/s/versions", "GET /schemas/ids/7", "POST /subjects/s");
  }

  @Test
  void readsSubjectsVersionsAndCompatibility() throws IOException {
    String version2 = "{\"subject\":\"a\",\"version\":2,\"id\":7,\"schema\":" + SCHEMA_JSON + "}";
    fake.answer("GET", "/subjects", 200, "[\"a\",\"b\"]")
        .answer("GET", "/subjects/a/versions", 200, "[1,2]")
        .answer("GET", "/subjects/a/versions/latest", 200, version2)
        .answer("GET", "/subjects/a/versions/2", 200, version2)
        .answer(
            "POST", "/compatibility/subjects/a/versions/latest", 200, "{\"is_compatible\":false}")
        .answer(
            "POST",
            "/compatibility/subjects/new/versions/latest",
            404,
            "{\"error_code\":40401,\"message\":\"Subject 'new' not found.\"}")
        .answer("GET", "/config", 200, "{\"compatibilityLevel\":\"BACKWARD\"}")
        .answer("GET", "/config/a", 200, "{\"compatibilityLevel\":\"FULL\"}")
        .answer(
            "GET",
            "/config/b",
            404,
            "{\"error_code\":40408,\"message\":\"Subject 'b' does not have subject-level"
                + " compatibility configured\"}")
        .answer("PUT", "/config/a", 200, "{\"compatibility\":\"FULL_TRANSITIVE\"}")
        .answer("PUT", "/config", 200, "{\"compatibility\":\"NONE\"}");
    RestSchemaRegistryClient client = client(fake.url());

    assertThat(client.subjects()).containsExactly("a", "b");
    assertThat(client.versions("a")).containsExactly(1, 2);
    assertThat(client.getLatest("a")).isEqualTo(new SchemaVersion("a", 2, 7, SCHEMA));
    assertThat(client.getVersion("a", 2)).isEqualTo(new SchemaVersion("a", 2, 7, SCHEMA));
    assertThat(client.isCompatible("a", SCHEMA)).isFalse();
    assertThat(client.isCompatible("new", SCHEMA)).isTrue();
    assertThat(client.compatibility(null)).isEqualTo("BACKWARD");
    assertThat(client.compatibility("a")).isEqualTo("FULL");
    assertThat(client.compatibility("b")).isEqualTo("BACKWARD");
    client.setCompatibility("a", "full_transitive");
    client.setCompatibility(null, "NONE");

    assertThat(JSON.readTree(fake.requests("PUT", "/config/a").get(0).body()))
        .isEqualTo(JSON.createObjectNode().put("compatibility", "FULL_TRANSITIVE"));
    assertThat(JSON.readTree(fake.requests("PUT", "/config").get(0).body()))
        .isEqualTo(JSON.createObjectNode().put("compatibility", "NONE"));
    assertThat(
            JSON.readTree(
                    fake.requests("POST", "/compatibility/subjects/a/versions/latest")
                        .get(0)
                        .body())
                .get("schema")
                .asText())
        .isEqualTo(SCHEMA.toString());
  }

  @Test
  void sendsBasicAuthFromUserInfo() {
    fake.answer("GET", "/subjects", 200, "[]");
    Map<String, Object> config = new HashMap<>();
    config.put(RegistryConfig.URL, fake.url());
    config.put(RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
    config.put(RegistryConfig.BASIC_AUTH_USER_INFO, "alice:s3cr:et");

    new RestSchemaRegistryClient(RegistryConfig.from(config)).subjects();

    assertThat(fake.requests.get(0).headers())
        .containsEntry("authorization", "Basic " + base64("alice:s3cr:et"));
  }

  @Test
  void sendsBasicAuthFromTheUrl() {
    fake.answer("GET", "/subjects", 200, "[]");
    String url = fake.url().replace("http://", "http://bob:pw@");

    client(url).subjects();

    assertThat(fake.requests.get(0).headers())
        .containsEntry("authorization", "Basic " + base64("bob:pw"));
  }

  @Test
  void mapsErrorBodiesToConfluentErrorCodesWithoutRetrying() {
    fake.answer(
            "GET",
            "/schemas/ids/42",
            404,
            "{\"error_code\":40403,\"message\":\"Schema 42 not found\"}")
        .answer(
            "POST",
            "/subjects/s/versions",
            409,
            "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}")
        .answer("GET", "/subjects", 401, "Unauthorized");
    RestSchemaRegistryClient client = client(fake.url());

    assertThatThrownBy(() -> client.getById(42))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
              assertThat(e.retriable()).isFalse();
              assertThat(e.registry()).isEqualTo(fake.url());
            })
        .hasMessageContaining("Schema 42 not found");
    assertThatThrownBy(() -> client.register("s", SCHEMA))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA));
    assertThatThrownBy(client::subjects)
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(401))
        .hasMessageContaining("Unauthorized");
    assertThat(fake.requests).hasSize(3);
  }

  @Test
  void failsOverToTheNextUrlWhenARegistryIsDown() throws IOException {
    fake.answer("GET", "/subjects", 200, "[\"a\"]");
    RestSchemaRegistryClient client = client(closedPortUrl() + "," + fake.url());

    assertThat(client.subjects()).containsExactly("a");
    assertThat(client.subjects()).containsExactly("a");
    assertThat(fake.requests).hasSize(2);
  }

  @Test
  void retriesServerErrorsThenSucceeds() {
    fake.answer("GET", "/subjects", 503, "{\"error_code\":50003,\"message\":\"forwarding\"}")
        .answer("GET", "/subjects", 200, "[\"a\"]");

    assertThat(client(fake.url()).subjects()).containsExactly("a");
    assertThat(fake.requests).hasSize(2);
  }

  @Test
  void reportsARegistryThatStaysDownAsRetriable() throws IOException {
    fake.answer("GET", "/subjects", 503, "{\"error_code\":50001,\"message\":\"store error\"}");
    String down = closedPortUrl();

    assertThatThrownBy(() -> client(fake.url()).subjects())
        .isInstanceOfSatisfying(
            SchemaRegistryUnavailableException.class,
            e -> {
              assertThat(e.retriable()).isTrue();
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.errorCode()).isEqualTo(50001);
            });
    assertThat(fake.requests).hasSize(4); // the first try and three retries
    assertThatThrownBy(() -> client(down).subjects())
        .isInstanceOfSatisfying(
            SchemaRegistryUnavailableException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.registry()).isEqualTo(down);
            });
  }

  @Test
  void timesOutASlowRegistry() {
    fake.hang("GET", "/subjects");
    Map<String, Object> config =
        Map.of(
            RegistryConfig.URL, fake.url(),
            RegistryConfig.REQUEST_TIMEOUT_MS, "200",
            RegistryConfig.RETRIES, "0");
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(RegistryConfig.from(config));

    long start = System.nanoTime();
    assertThatThrownBy(client::subjects)
        .isInstanceOf(SchemaRegistryUnavailableException.class)
        .hasMessageContaining("HttpTimeoutException");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void keepsTheInterruptFlagOfAnInterruptedCaller() {
    fake.answer("GET", "/subjects", 200, "[]");
    RestSchemaRegistryClient client = client(fake.url());

    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(client::subjects)
          .isInstanceOf(SchemaRegistryUnavailableException.class)
          .hasMessageContaining("interrupted");
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }
  }

  @Test
  void servesSerdesThatKafkaCreatesByClassName() {
    fake.answer("POST", "/subjects/retrace.rec.r1-value/versions", 200, "{\"id\":11}")
        .answer(
            "GET",
            "/schemas/ids/11",
            200,
            "{\"schema\":" + quoted(Marker.getClassSchema().toString()) + "}");
    Map<String, Object> producer = Map.of("schema.registry.url", fake.url());
    Map<String, Object> consumer =
        Map.of(
            "schema.registry.url", fake.url(),
            "specific.avro.value.type", Marker.class.getName());
    Marker marker =
        Marker.newBuilder().setType(MarkerType.GAP).setDroppedCount(3).setReason("full").build();

    try (AvroSerializer<Marker> serializer = new AvroSerializer<>();
        AvroDeserializer<Marker> deserializer = new AvroDeserializer<>()) {
      serializer.configure(producer, false);
      deserializer.configure(consumer, false);
      byte[] bytes = null;
      for (int i = 0; i < 100; i++) {
        bytes = serializer.serialize("retrace.rec.r1", marker);
      }

      assertThat(WireFormat.schemaId(bytes)).isEqualTo(11);
      assertThat(deserializer.deserialize("retrace.rec.r1", bytes)).isEqualTo(marker);
      assertThat(deserializer.deserialize("retrace.rec.r1", bytes)).isEqualTo(marker);
    }
    assertThat(fake.requests)
        .extracting(r -> r.method() + " " + r.path())
        .containsExactly("POST /subjects/retrace.rec.r1-value/versions", "GET /schemas/ids/11");
  }

  @Test
  void servesASerdeThatKafkaStreamsCreatesByClassName() {
    fake.answer("POST", "/subjects/retrace.rec.r1-key/versions", 200, "{\"id\":12}")
        .answer(
            "GET",
            "/schemas/ids/12",
            200,
            "{\"schema\":" + quoted(Marker.getClassSchema().toString()) + "}");
    Marker marker = Marker.newBuilder().setType(MarkerType.RECORDING_START).build();

    try (AvroSerde<Marker> serde = new AvroSerde<>()) {
      serde.configure(Map.of("schema.registry.url", fake.url()), true);
      byte[] bytes = serde.serializer().serialize("retrace.rec.r1", marker);

      assertThat(serde.deserializer().deserialize("retrace.rec.r1", bytes)).isEqualTo(marker);
    }
  }

  private static RestSchemaRegistryClient client(String urls) {
    return new RestSchemaRegistryClient(
        RegistryConfig.from(
            Map.of(RegistryConfig.URL, urls, RegistryConfig.RETRY_BACKOFF_MS, "1")));
  }

  private static String closedPortUrl() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  private static FakeRegistry startFake() {
    try {
      return new FakeRegistry();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the fake registry", e);
    }
  }

  private static String quoted(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
