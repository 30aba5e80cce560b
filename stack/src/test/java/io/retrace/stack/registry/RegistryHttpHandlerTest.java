package io.retrace.stack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP layer over an in-memory storage: failures of the storage, and request parsing. */
class RegistryHttpHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STRING_SCHEMA = "{\"schema\":\"\\\"string\\\"\"}";
  private static final String INT_SCHEMA = "{\"schema\":\"\\\"int\\\"\"}";

  private final MemoryStorage storage = new MemoryStorage();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", new RegistryHttpHandler(SchemaRegistry.load(storage)));
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void aStorageFailureIsA500WithConfluentsStoreErrorCode() throws Exception {
    storage.failNext(RegistryException.storeError("Error in the backend data store: down", null));

    HttpResponse<String> response = post("/subjects/s/versions", STRING_SCHEMA);

    assertThat(response.statusCode()).isEqualTo(500);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error_code").asInt()).isEqualTo(50001);
    assertThat(body.get("message").asText()).contains("down");
    assertThat(get("/subjects").body()).isEqualTo("[]");
  }

  @Test
  void anUnexpectedExceptionIsA500AndTheServerKeepsServing() throws Exception {
    storage.failNext(new IllegalStateException("boom"));

    HttpResponse<String> failed = post("/subjects/s/versions", STRING_SCHEMA);
    HttpResponse<String> next = post("/subjects/s/versions", STRING_SCHEMA);

    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(failed.body()).get("error_code").asInt()).isEqualTo(50001);
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(next.body()).get("id").asInt()).isEqualTo(1);
  }

  @Test
  void aWriteThatFailedButLandedIsNotHandedOutTwice() throws Exception {
    storage.failNextButStore(RegistryException.storeError("ack lost", null));

    HttpResponse<String> failed = post("/subjects/s/versions", STRING_SCHEMA);
    HttpResponse<String> retried = post("/subjects/s/versions", STRING_SCHEMA);
    HttpResponse<String> other = post("/subjects/t/versions", INT_SCHEMA);

    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(retried.body()).get("id").asInt()).isEqualTo(1);
    assertThat(JSON.readTree(other.body()).get("id").asInt()).isEqualTo(2);
    assertThat(storage.records).hasSize(2);
  }

  @Test
  void versionsAreNumbersOrLatest() {
    assertThat(RegistryHttpHandler.parseVersion("latest")).isEqualTo(SchemaStore.LATEST);
    assertThat(RegistryHttpHandler.parseVersion("-1")).isEqualTo(SchemaStore.LATEST);
    assertThat(RegistryHttpHandler.parseVersion("12")).isEqualTo(12);
    for (String invalid : List.of("0", "-2", "abc", "1.5", "99999999999")) {
      assertThatThrownBy(() -> RegistryHttpHandler.parseVersion(invalid))
          .hasMessage(
              "The specified version '"
                  + invalid
                  + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the"
                  + " string \"latest\"");
    }
  }

  @Test
  void pathSegmentsAreDecodedOneByOne() {
    assertThat(RegistryHttpHandler.segments("/")).isEmpty();
    assertThat(RegistryHttpHandler.segments("/subjects/")).containsExactly("subjects");
    assertThat(RegistryHttpHandler.segments("/subjects/a%2Fb%20c+d/versions"))
        .containsExactly("subjects", "a/b c+d", "versions");
    assertThatThrownBy(() -> RegistryHttpHandler.segments("/subjects/%zz"))
        .hasMessageContaining("Malformed percent-encoding");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", RegistryHttpHandler.CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** Storage in a list, whose next append can be made to fail (after storing, or not). */
  private static final class MemoryStorage implements RegistryStorage {
    final List<RegistryRecord> records = new ArrayList<>();
    private RuntimeException nextFailure;
    private boolean storeDespiteFailure;

    synchronized void failNext(RuntimeException failure) {
      nextFailure = failure;
      storeDespiteFailure = false;
    }

    synchronized void failNextButStore(RuntimeException failure) {
      nextFailure = failure;
      storeDespiteFailure = true;
    }

    @Override
    public synchronized List<RegistryRecord> readAll() {
      return List.copyOf(records);
    }

    @Override
    public synchronized void append(RegistryRecord record) {
      RuntimeException failure = nextFailure;
      nextFailure = null;
      if (failure == null || storeDespiteFailure) {
        records.add(record);
      }
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public String describe() {
      return "memory";
    }

    @Override
    public void close() {}
  }
}
