package io.retrace.agent.recorder;

import static io.retrace.agent.weave.Matchers.hasSuperType;
import static io.retrace.agent.weave.Matchers.named;
import static io.retrace.agent.weave.Matchers.typeNamed;
import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.agent.weave.Advice;
import io.retrace.agent.weave.ClassFiles;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RecorderTransformerTest {
  /** A class the test instruments. */
  public static final class Greeter implements Supplier<String> {
    @Override
    public String get() {
      return "hello";
    }

    public <T extends Comparable<T>> List<T> sorted(List<T> values) {
      return values.stream().sorted().toList();
    }
  }

  /** Replaces what {@code get()} returns. */
  public static final class ShoutAdvice {
    private ShoutAdvice() {}

    @Advice.OnExit
    public static String exit(@Advice.Return String value) {
      return value.toUpperCase(java.util.Locale.ROOT) + "!";
    }
  }

  private static Recorder recorder(Target... targets) {
    return new Recorder() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public List<Target> targets() {
        return List.of(targets);
      }
    };
  }

  private final ClassLoader application = new URLClassLoader(new URL[0]);

  @Test
  void exactNamesAreCandidatesInEveryClassLoader() {
    RecorderTransformer transformer =
        new RecorderTransformer(List.of(recorder(Target.named("java.util.UUID"))));

    assertThat(transformer.candidates("java.util.UUID", null)).hasSize(1);
    assertThat(transformer.candidates("java.util.UUID", application)).hasSize(1);
    assertThat(transformer.candidates("java.util.Random", null)).isEmpty();
  }

  @Test
  void patternsLookOnlyAtApplicationClassesOutsideTheAgent() {
    RecorderTransformer transformer =
        new RecorderTransformer(
            List.of(
                recorder(
                    Target.where(
                        n -> n.contains("Connection"), hasSuperType("java.lang.AutoCloseable")))));

    assertThat(transformer.candidates("org.h2.jdbc.JdbcConnection", application)).hasSize(1);
    assertThat(transformer.candidates("org.h2.jdbc.JdbcStatement", application)).isEmpty();
    assertThat(transformer.candidates("java.sql.Connection", null)).isEmpty();
    assertThat(transformer.candidates("java.sql.Connection", ClassLoader.getPlatformClassLoader()))
        .isEmpty();
    assertThat(transformer.candidates("io.retrace.agent.capture.Connection", application))
        .isEmpty();
  }

  @Test
  void aTargetNeedingAClassIsLeftOutOfLoadersThatCannotSeeIt() {
    RecorderTransformer transformer =
        new RecorderTransformer(
            List.of(
                recorder(
                    Target.where(n -> true, typeNamed("x.Servlet"))
                        .inLoadersSeeing("jakarta.servlet.http.HttpServlet"))));

    ClassLoader withoutServletApi =
        new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
    // The test class path has the servlet API (compiled against, provided by containers).
    ClassLoader withServletApi = getClass().getClassLoader();

    assertThat(transformer.candidates("com.acme.Anything", withoutServletApi)).isEmpty();
    assertThat(transformer.candidates("com.acme.Anything", withServletApi)).hasSize(1);
  }

  @Test
  void rewritesAMatchingClassAndLeavesTheOthersAlone() throws Exception {
    RecorderTransformer transformer =
        new RecorderTransformer(
            List.of(
                recorder(
                    Target.named(Greeter.class.getName())
                        .advice(named("get"), ShoutAdvice.class))));
    String name = Greeter.class.getName();
    ClassLoader loader = getClass().getClassLoader();

    byte[] rewritten =
        transformer.transform(
            null, loader, name.replace('.', '/'), null, null, ClassFiles.of(Greeter.class));
    byte[] untouched =
        transformer.transform(
            null,
            loader,
            ShoutAdvice.class.getName().replace('.', '/'),
            null,
            null,
            ClassFiles.of(ShoutAdvice.class));

    assertThat(untouched).isNull();
    assertThat(rewritten).isNotNull();
    Class<?> greeter = ClassFiles.define(name, rewritten, loader);
    @SuppressWarnings("unchecked")
    Supplier<String> instance = (Supplier<String>) greeter.getDeclaredConstructor().newInstance();
    assertThat(instance.get()).isEqualTo("HELLO!");
    // Rewritten with its generic signatures: reflection sees what the source declared.
    assertThat(greeter.getGenericInterfaces())
        .extracting(Object::toString)
        .containsExactly("java.util.function.Supplier<java.lang.String>");
    assertThat(greeter.getMethod("sorted", List.class).toGenericString())
        .isEqualTo(
            "public <T extends java.lang.Comparable<T>> java.util.List<T> "
                + name
                + ".sorted(java.util.List<T>)");
  }
}
