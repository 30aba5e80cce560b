package io.retrace.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {
  private static final Schema V1 = user("{\"name\":\"name\",\"type\":\"string\"}");
  private static final Schema V2 =
      user(
          "{\"name\":\"name\",\"type\":\"string\"},"
              + "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}");
  private static final Schema INCOMPATIBLE = user("{\"name\":\"name\",\"type\":\"int\"}");

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

  @Test
  void givesTheSameSchemaTheSameIdInEverySubject() {
    int a = registry.register("a-value", V1);
    int again = registry.register("a-value", new Schema.Parser().parse(V1.toString()));
    int b = registry.register("b-value", V1);
    int v2 = registry.register("a-value", V2);

    assertThat(again).isEqualTo(a);
    assertThat(b).isEqualTo(a);
    assertThat(v2).isNotEqualTo(a);
    assertThat(registry.getById(a)).isEqualTo(V1);
    assertThat(registry.versions("a-value")).containsExactly(1, 2);
    assertThat(registry.versions("b-value")).containsExactly(1);
    assertThat(registry.subjects()).containsExactly("a-value", "b-value");
  }

  @Test
  void answersVersionQueries() {
    int id1 = registry.register("s", V1);
    int id2 = registry.register("s", V2);

    assertThat(registry.getLatest("s")).isEqualTo(new SchemaVersion("s", 2, id2, V2));
    assertThat(registry.getVersion("s", 1)).isEqualTo(new SchemaVersion("s", 1, id1, V1));
    assertThat(registry.lookup("s", V1)).isEqualTo(new SchemaVersion("s", 1, id1, V1));
  }

  @Test
  void reportsWhatIsMissingWithConfluentErrorCodes() {
    registry.register("s", V1);

    assertError(() -> registry.getById(99), 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
    assertError(() -> registry.getLatest("nope"), 404, SchemaRegistryException.SUBJECT_NOT_FOUND);
    assertError(() -> registry.versions("nope"), 404, SchemaRegistryException.SUBJECT_NOT_FOUND);
    assertError(() -> registry.getVersion("s", 2), 404, SchemaRegistryException.VERSION_NOT_FOUND);
    assertError(() -> registry.lookup("s", V2), 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
    assertError(() -> registry.lookup("nope", V1), 404, SchemaRegistryException.SUBJECT_NOT_FOUND);
  }

  @Test
  void refusesIncompatibleSchemasUnderTheDefaultBackwardLevel() {
    registry.register("s", V1);

    assertThat(registry.compatibility(null)).isEqualTo("BACKWARD");
    assertThat(registry.isCompatible("s", INCOMPATIBLE)).isFalse();
    assertThat(registry.isCompatible("s", V2)).isTrue();
    assertThat(registry.isCompatible("new-subject", INCOMPATIBLE)).isTrue();
    assertThatThrownBy(() -> registry.register("s", INCOMPATIBLE))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
              assertThat(e.retriable()).isFalse();
            })
        .hasMessageContaining("subject \"s\"")
        .hasMessageContaining("name: TYPE_MISMATCH");
    assertThat(registry.versions("s")).containsExactly(1);
  }

  @Test
  void appliesSubjectLevelsOverTheGlobalOne() {
    registry.register("s", V1);
    registry.register("t", V1);

    registry.setCompatibility("s", "none");
    registry.setCompatibility(null, "FULL");

    assertThat(registry.compatibility("s")).isEqualTo("NONE");
    assertThat(registry.compatibility("t")).isEqualTo("FULL");
    assertThat(registry.register("s", INCOMPATIBLE)).isPositive();
    assertThat(registry.isCompatible("t", INCOMPATIBLE)).isFalse();
    assertError(
        () -> registry.setCompatibility("s", "SOMETIMES"),
        422,
        SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL);
  }

  @Test
  void registersConcurrentlyWithoutDuplicates() throws Exception {
    List<Schema> schemas =
        IntStream.range(0, 20)
            .mapToObj(
                i ->
                    user(
                        "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"f"
                            + i
                            + "\",\"type\":\"int\",\"default\":0}"))
            .toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> tasks =
          IntStream.range(0, 200)
              .<Callable<Integer>>mapToObj(i -> () -> registry.register("c", schemas.get(i % 20)))
              .toList();
      List<Integer> ids =
          pool.invokeAll(tasks).stream().map(InMemorySchemaRegistryClientTest::get).toList();

      assertThat(registry.versions("c")).hasSize(20);
      for (int i = 0; i < ids.size(); i++) {
        assertThat(ids.get(i)).isEqualTo(registry.lookup("c", schemas.get(i % 20)).id());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Integer get(Future<Integer> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertError(Runnable call, int status, int errorCode) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.errorCode()).isEqualTo(errorCode);
              assertThat(e.registry()).isEqualTo("in-memory");
            });
  }

  private static Schema user(String fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\",\"fields\":["
                + fields
                + "]}");
  }
}
