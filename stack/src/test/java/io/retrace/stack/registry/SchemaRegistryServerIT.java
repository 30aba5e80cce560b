package io.retrace.stack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retrace.stack.PortInUseException;
import io.retrace.stack.kafka.EmbeddedKafka;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry as Confluent clients see it: real HTTP against a server stored in a real broker.
 * Tests share one broker and server and use subjects of their own.
 */
class SchemaRegistryServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = "127.0.0.1";
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final String ORDER_V1 =
      """
      {"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"string"}]}""";
  private static final String ORDER_V2_OPTIONAL =
      """
      {"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"string"},
        {"name":"note","type":["null","string"],"default":null}]}""";
  private static final String ORDER_V2_REQUIRED =
      """
      {"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"string"},
        {"name":"amount","type":"long"}]}""";

  @TempDir static Path dir;

  private static EmbeddedKafka kafka;
  private static SchemaRegistryServer registry;
  private static final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A response with its body parsed when it is JSON. */
  private record Reply(int status, String body, JsonNode json, HttpHeaders headers) {
    int errorCode() {
      return json.get("error_code").asInt();
    }

    String message() {
      return json.get("message").asText();
    }
  }

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), HOST, 0, Map.of());
    registry = SchemaRegistryServer.start(kafka.bootstrapServers(), HOST, 0);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void registersASchemaAndServesItFromEveryReadEndpoint() throws Exception {
    Reply registered = call("POST", "/subjects/orders-value/versions", schemaBody(ORDER_V1));

    assertThat(registered.status()).isEqualTo(200);
    assertThat(registered.headers().firstValue("Content-Type")).contains(CONTENT_TYPE);
    assertThat(fieldNames(registered.json())).containsExactly("id");
    int id = registered.json().get("id").asInt();
    assertThat(id).isPositive();

    Reply byId = call("GET", "/schemas/ids/" + id, null);
    assertThat(byId.status()).isEqualTo(200);
    assertThat(fieldNames(byId.json())).containsExactly("schema");
    assertThat(avro(byId.json().get("schema").asText())).isEqualTo(avro(ORDER_V1));

    JsonNode subjects = call("GET", "/subjects", null).json();
    List<String> names = new ArrayList<>();
    subjects.forEach(s -> names.add(s.asText()));
    assertThat(names).contains("orders-value").isSorted();

    assertThat(call("GET", "/subjects/orders-value/versions", null).body()).isEqualTo("[1]");

    for (String version : List.of("1", "latest", "-1")) {
      Reply v = call("GET", "/subjects/orders-value/versions/" + version, null);
      assertThat(v.status()).isEqualTo(200);
      assertThat(fieldNames(v.json())).containsExactly("subject", "version", "id", "schema");
      assertThat(v.json().get("subject").asText()).isEqualTo("orders-value");
      assertThat(v.json().get("version").asInt()).isEqualTo(1);
      assertThat(v.json().get("id").asInt()).isEqualTo(id);
      assertThat(avro(v.json().get("schema").asText())).isEqualTo(avro(ORDER_V1));
    }

    Reply raw = call("GET", "/subjects/orders-value/versions/1/schema", null);
    assertThat(raw.status()).isEqualTo(200);
    assertThat(avro(raw.body())).isEqualTo(avro(ORDER_V1));

    Reply lookup = call("POST", "/subjects/orders-value", schemaBody(ORDER_V1.replace("\n", " ")));
    assertThat(lookup.status()).isEqualTo(200);
    assertThat(fieldNames(lookup.json())).containsExactly("subject", "id", "version", "schema");
    assertThat(lookup.json().get("subject").asText()).isEqualTo("orders-value");
    assertThat(lookup.json().get("id").asInt()).isEqualTo(id);
    assertThat(lookup.json().get("version").asInt()).isEqualTo(1);
  }

  @Test
  void theSameSchemaGetsTheSameIdUnderAnySubject() throws Exception {
    int first = register("dedupe-a", ORDER_V1);
    String reformatted =
        """
        { "fields": [ {"type": "string", "name": "id"} ],
          "type": "record", "namespace": "shop", "name": "Order" }""";

    assertThat(register("dedupe-a", reformatted)).isEqualTo(first);
    assertThat(call("GET", "/subjects/dedupe-a/versions", null).body()).isEqualTo("[1]");
    assertThat(register("dedupe-b", ORDER_V1)).isEqualTo(first);
    assertThat(call("GET", "/subjects/dedupe-b/versions", null).body()).isEqualTo("[1]");
  }

  @Test
  void evolvesCompatiblyAndRejectsAnIncompatibleChangeUntilTheSubjectAllowsIt() throws Exception {
    int v1 = register("evolve-value", ORDER_V1);
    int v2 = register("evolve-value", ORDER_V2_OPTIONAL);

    assertThat(v2).isNotEqualTo(v1);
    assertThat(call("GET", "/subjects/evolve-value/versions", null).body()).isEqualTo("[1,2]");
    assertThat(call("GET", "/subjects/evolve-value/versions/2", null).json().get("id").asInt())
        .isEqualTo(v2);

    Reply rejected = call("POST", "/subjects/evolve-value/versions", schemaBody(ORDER_V2_REQUIRED));
    assertThat(rejected.status()).isEqualTo(409);
    assertThat(rejected.errorCode()).isEqualTo(409);
    assertThat(rejected.message())
        .startsWith(
            "Schema being registered is incompatible with an earlier schema for subject"
                + " \"evolve-value\", details: [")
        .contains("amount");

    Reply configured = call("PUT", "/config/evolve-value", "{\"compatibility\":\"NONE\"}");
    assertThat(configured.status()).isEqualTo(200);
    assertThat(configured.body()).isEqualTo("{\"compatibility\":\"NONE\"}");
    assertThat(call("GET", "/config/evolve-value", null).body())
        .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");

    int v3 = register("evolve-value", ORDER_V2_REQUIRED);
    assertThat(v3).isNotIn(v1, v2);
    assertThat(
            call("GET", "/subjects/evolve-value/versions/latest", null)
                .json()
                .get("version")
                .asInt())
        .isEqualTo(3);
  }

  @Test
  void checksCompatibilityWithoutRegistering() throws Exception {
    register("compat-value", ORDER_V1);
    String latest = "/compatibility/subjects/compat-value/versions/latest";

    Reply good = call("POST", latest, schemaBody(ORDER_V2_OPTIONAL));
    assertThat(good.status()).isEqualTo(200);
    assertThat(good.body()).isEqualTo("{\"is_compatible\":true}");

    assertThat(call("POST", latest, schemaBody(ORDER_V2_REQUIRED)).body())
        .isEqualTo("{\"is_compatible\":false}");
    Reply verbose = call("POST", latest + "?verbose=true", schemaBody(ORDER_V2_REQUIRED));
    assertThat(verbose.json().get("is_compatible").asBoolean()).isFalse();
    assertThat(verbose.json().get("messages").toString()).contains("amount");
    Reply verboseGood = call("POST", latest + "?verbose=true", schemaBody(ORDER_V2_OPTIONAL));
    assertThat(verboseGood.body()).isEqualTo("{\"is_compatible\":true,\"messages\":[]}");

    assertThat(
            call(
                    "POST",
                    "/compatibility/subjects/compat-value/versions/1",
                    schemaBody(ORDER_V2_REQUIRED))
                .body())
        .isEqualTo("{\"is_compatible\":false}");
    assertThat(
            call(
                    "POST",
                    "/compatibility/subjects/compat-value/versions",
                    schemaBody(ORDER_V2_OPTIONAL))
                .body())
        .isEqualTo("{\"is_compatible\":true}");

    Reply noVersion =
        call("POST", "/compatibility/subjects/compat-value/versions/2", schemaBody(ORDER_V1));
    assertThat(noVersion.status()).isEqualTo(404);
    assertThat(noVersion.errorCode()).isEqualTo(40402);
    assertThat(noVersion.message()).isEqualTo("Version 2 not found.");

    assertThat(
            call("POST", "/compatibility/subjects/compat-new/versions/latest", schemaBody(ORDER_V1))
                .body())
        .isEqualTo("{\"is_compatible\":true}");
    assertThat(call("GET", "/subjects/compat-value/versions", null).body()).isEqualTo("[1]");
  }

  @Test
  void readsAndSetsCompatibilityLevels() throws Exception {
    assertThat(call("GET", "/config", null).body())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    try {
      Reply global = call("PUT", "/config", "{\"compatibility\":\"FULL\"}");
      assertThat(global.status()).isEqualTo(200);
      assertThat(global.body()).isEqualTo("{\"compatibility\":\"FULL\"}");
      assertThat(call("GET", "/config", null).body())
          .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

      Reply notConfigured = call("GET", "/config/levels-value", null);
      assertThat(notConfigured.status()).isEqualTo(404);
      assertThat(notConfigured.errorCode()).isEqualTo(40408);
      assertThat(notConfigured.message())
          .isEqualTo("Subject 'levels-value' does not have subject-level compatibility configured");
      assertThat(call("GET", "/config/levels-value?defaultToGlobal=true", null).body())
          .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

      assertThat(
              call("PUT", "/config/levels-value", "{\"compatibility\":\"forward_transitive\"}")
                  .body())
          .isEqualTo("{\"compatibility\":\"FORWARD_TRANSITIVE\"}");
      assertThat(call("GET", "/config/levels-value", null).body())
          .isEqualTo("{\"compatibilityLevel\":\"FORWARD_TRANSITIVE\"}");
      assertThat(call("GET", "/config/levels-value?defaultToGlobal=true", null).body())
          .isEqualTo("{\"compatibilityLevel\":\"FORWARD_TRANSITIVE\"}");

      for (String body : List.of("{\"compatibility\":\"SIDEWAYS\"}", "{}")) {
        Reply invalid = call("PUT", "/config", body);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42203);
        assertThat(invalid.message()).startsWith("Invalid compatibility level");
      }
    } finally {
      call("PUT", "/config", "{\"compatibility\":\"BACKWARD\"}");
    }
  }

  @Test
  void answersConfluentErrorsForWhatDoesNotExist() throws Exception {
    register("errors-value", ORDER_V1);

    assertError(
        call("GET", "/subjects/nope/versions", null), 404, 40401, "Subject 'nope' not found.");
    assertError(
        call("GET", "/subjects/nope/versions/1", null), 404, 40401, "Subject 'nope' not found.");
    assertError(
        call("POST", "/subjects/nope", schemaBody(ORDER_V1)),
        404,
        40401,
        "Subject 'nope' not found.");
    assertError(
        call("GET", "/subjects/errors-value/versions/9", null), 404, 40402, "Version 9 not found.");
    assertError(
        call("POST", "/subjects/errors-value", schemaBody(ORDER_V2_REQUIRED)),
        404,
        40403,
        "Schema not found");
    assertError(call("GET", "/schemas/ids/99999", null), 404, 40403, "Schema 99999 not found");

    for (String version : List.of("abc", "0")) {
      Reply invalid = call("GET", "/subjects/errors-value/versions/" + version, null);
      assertThat(invalid.status()).isEqualTo(422);
      assertThat(invalid.errorCode()).isEqualTo(42202);
      assertThat(invalid.message())
          .startsWith("The specified version '" + version + "' is not a valid version id");
    }
  }

  @Test
  void rejectsRequestsItCannotServe() throws Exception {
    Reply notAvro = call("POST", "/subjects/bad-value/versions", schemaBody("{not avro"));
    assertThat(notAvro.status()).isEqualTo(422);
    assertThat(notAvro.errorCode()).isEqualTo(42201);
    assertThat(notAvro.message()).startsWith("Invalid schema");

    Reply missing = call("POST", "/subjects/bad-value/versions", "{}");
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.errorCode()).isEqualTo(42201);

    String protobuf =
        JSON.createObjectNode()
            .put("schema", "syntax = \"proto3\";")
            .put("schemaType", "PROTOBUF")
            .toString();
    Reply unsupported = call("POST", "/subjects/bad-value/versions", protobuf);
    assertThat(unsupported.status()).isEqualTo(422);
    assertThat(unsupported.errorCode()).isEqualTo(42201);
    assertThat(unsupported.message()).contains("PROTOBUF");

    String explicitAvro =
        JSON.createObjectNode().put("schema", ORDER_V1).put("schemaType", "AVRO").toString();
    assertThat(call("POST", "/subjects/bad-value/versions", explicitAvro).status()).isEqualTo(200);

    Reply malformed = call("POST", "/subjects/bad-value/versions", "{\"schema\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.errorCode()).isEqualTo(400);
    assertThat(malformed.message()).startsWith("Malformed JSON body");

    assertError(call("GET", "/nowhere", null), 404, 404, "HTTP 404 Not Found");
    assertError(call("GET", "/subjects/bad-value/nowhere", null), 404, 404, "HTTP 404 Not Found");
    assertError(call("GET", "/schemas/ids/abc", null), 404, 404, "HTTP 404 Not Found");

    Reply wrongMethod = call("DELETE", "/subjects/bad-value", null);
    assertError(wrongMethod, 405, 405, "HTTP 405 Method Not Allowed");
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("POST");
    assertError(call("PUT", "/subjects", "{}"), 405, 405, "HTTP 405 Method Not Allowed");

    HttpResponse<String> plainText =
        client.send(
            HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/bad-value/versions"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(schemaBody(ORDER_V1)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(plainText.statusCode()).isEqualTo(415);
  }

  @Test
  void acceptsPlainJsonRequestBodies() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/json-value/versions"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(schemaBody(ORDER_V1)))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("id").asInt()).isPositive();
  }

  @Test
  void decodesSubjectsInPaths() throws Exception {
    String subject = "team/orders value+1";
    String encoded = "team%2Forders%20value+1";

    int id = register(encoded, ORDER_V1);

    List<String> names = new ArrayList<>();
    call("GET", "/subjects", null).json().forEach(s -> names.add(s.asText()));
    assertThat(names).contains(subject);
    Reply version = call("GET", "/subjects/" + encoded + "/versions/1", null);
    assertThat(version.json().get("subject").asText()).isEqualTo(subject);
    assertThat(version.json().get("id").asInt()).isEqualTo(id);
  }

  @Test
  void answersTheRootAndTheHealthCheck() throws Exception {
    Reply root = call("GET", "/", null);
    assertThat(root.status()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("{}");

    Reply health = call("GET", "/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void concurrentRegistrationsGetDistinctIdsAndConsecutiveVersions() throws Exception {
    call("PUT", "/config/concurrent-value", "{\"compatibility\":\"NONE\"}");
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String schema =
            "{\"type\":\"record\",\"name\":\"C\",\"fields\":[{\"name\":\"f"
                + i
                + "\",\"type\":\"int\"}]}";
        tasks.add(() -> register("concurrent-value", schema));
      }
      List<Integer> ids = new ArrayList<>();
      for (Future<Integer> id : pool.invokeAll(tasks)) {
        ids.add(id.get());
      }

      assertThat(new HashSet<>(ids)).hasSize(writers);
      assertThat(call("GET", "/subjects/concurrent-value/versions", null).body())
          .isEqualTo(
              IntStream.rangeClosed(1, writers).boxed().toList().toString().replace(" ", ""));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void storesEveryChangeInTheCompactedSchemaTopic() throws Exception {
    int id = register("topic-value", ORDER_V1);

    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      assertThat(
              admin
                  .describeTopics(List.of("_retrace_schemas"))
                  .allTopicNames()
                  .get()
                  .get("_retrace_schemas")
                  .partitions())
          .hasSize(1);
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "_retrace_schemas");
      Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }

    Map<String, String> records = readSchemaTopic();
    String key = "{\"keytype\":\"SCHEMA\",\"subject\":\"topic-value\",\"version\":1,\"magic\":1}";
    assertThat(records).containsKey(key);
    JsonNode value = JSON.readTree(records.get(key));
    assertThat(value.get("subject").asText()).isEqualTo("topic-value");
    assertThat(value.get("version").asInt()).isEqualTo(1);
    assertThat(value.get("id").asInt()).isEqualTo(id);
    assertThat(value.get("deleted").asBoolean()).isFalse();
    assertThat(avro(value.get("schema").asText())).isEqualTo(avro(ORDER_V1));
  }

  @Test
  void keepsIdsVersionsAndLevelsAcrossAServerRestart() throws Exception {
    int v1 = register("restart-value", ORDER_V1);
    int v2 = register("restart-value", ORDER_V2_OPTIONAL);
    call("PUT", "/config/restart-value", "{\"compatibility\":\"FULL\"}");
    int highest = register("restart-other", "{\"type\":\"fixed\",\"name\":\"Restart\",\"size\":4}");

    registry.close();
    registry = SchemaRegistryServer.start(kafka.bootstrapServers(), HOST, 0);

    assertThat(avro(call("GET", "/schemas/ids/" + v2, null).json().get("schema").asText()))
        .isEqualTo(avro(ORDER_V2_OPTIONAL));
    assertThat(call("GET", "/subjects/restart-value/versions", null).body()).isEqualTo("[1,2]");
    assertThat(call("GET", "/subjects/restart-value/versions/1", null).json().get("id").asInt())
        .isEqualTo(v1);
    assertThat(call("GET", "/config/restart-value", null).body())
        .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
    assertThat(register("restart-value", ORDER_V1)).isEqualTo(v1);
    assertThat(register("restart-new", "{\"type\":\"fixed\",\"name\":\"Fresh\",\"size\":8}"))
        .isGreaterThan(highest);
  }

  @Test
  void keepsIdsAcrossABrokerRestart(@TempDir Path ownDir) throws Exception {
    Path kafkaDir = ownDir.resolve("kafka");
    int v1;
    int v2;
    EmbeddedKafka broker = EmbeddedKafka.start(kafkaDir, HOST, 0, Map.of());
    try (SchemaRegistryServer server =
        SchemaRegistryServer.start(broker.bootstrapServers(), HOST, 0)) {
      v1 = register(server, "broker-restart-value", ORDER_V1);
      v2 = register(server, "broker-restart-value", ORDER_V2_OPTIONAL);
    } finally {
      broker.close();
    }

    try (EmbeddedKafka restarted = EmbeddedKafka.start(kafkaDir, HOST, 0, Map.of());
        SchemaRegistryServer server =
            SchemaRegistryServer.start(restarted.bootstrapServers(), HOST, 0)) {
      assertThat(call(server, "GET", "/subjects/broker-restart-value/versions", null).body())
          .isEqualTo("[1,2]");
      assertThat(
              call(server, "GET", "/subjects/broker-restart-value/versions/2", null)
                  .json()
                  .get("id")
                  .asInt())
          .isEqualTo(v2);
      assertThat(
              avro(call(server, "GET", "/schemas/ids/" + v1, null).json().get("schema").asText()))
          .isEqualTo(avro(ORDER_V1));
    }
  }

  @Test
  void namesThePortThatIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> SchemaRegistryServer.start(kafka.bootstrapServers(), HOST, port))
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("Schema registry port " + port + " on " + HOST)
          .hasMessageContaining("already in use");
    }
  }

  private static int register(String subject, String schema) throws Exception {
    return register(registry, subject, schema);
  }

  private static int register(SchemaRegistryServer server, String subject, String schema)
      throws Exception {
    Reply reply = call(server, "POST", "/subjects/" + subject + "/versions", schemaBody(schema));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("id").asInt();
  }

  private static Reply call(String method, String path, String body) throws Exception {
    return call(registry, method, path, body);
  }

  private static Reply call(SchemaRegistryServer server, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", CONTENT_TYPE);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (response.headers().firstValue("Content-Type").orElse("").contains("json")) {
      json = JSON.readTree(response.body());
    }
    return new Reply(response.statusCode(), response.body(), json, response.headers());
  }

  private static void assertError(Reply reply, int status, int errorCode, String message) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.headers().firstValue("Content-Type")).contains(CONTENT_TYPE);
    assertThat(fieldNames(reply.json())).containsExactly("error_code", "message");
    assertThat(reply.errorCode()).isEqualTo(errorCode);
    assertThat(reply.message()).isEqualTo(message);
  }

  private static String schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  private static Schema avro(String schema) {
    return new Schema.Parser().parse(schema);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Map<String, String> readSchemaTopic() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition("_retrace_schemas", 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      Map<String, String> records = new HashMap<>();
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          records.put(record.key(), record.value());
        }
      }
      return records;
    }
  }
}
