package io.retrace.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Weaves every method of every class of real libraries on the test class path (javac output of many
 * versions and styles: Tomcat, Kafka's clients, H2, Jetty, Jackson, Avro) with advice that uses
 * every binding, and has the JVM verify each woven class: the frames the weaver writes must hold
 * for code it has never seen, as they must for the JDK's and a host application's classes.
 */
class WeaverCorpusTest {
  /** Every binding, the replay skip and the result replacement. */
  public static final class EverythingAdvice {
    private EverythingAdvice() {}

    @Advice.OnEnter(skipOnNonNull = true)
    public static Object enter(
        @Advice.This Object self,
        @Advice.Site("#t.#m") String site,
        @Advice.AllArguments Object[] args) {
      return null;
    }

    @Advice.OnExit(onThrowable = true)
    public static Object exit(
        @Advice.Enter Object entered,
        @Advice.This Object self,
        @Advice.Return Object value,
        @Advice.Thrown Throwable thrown) {
      return value;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "org.apache.catalina.connector.Request",
        "org.apache.kafka.clients.producer.KafkaProducer",
        "org.h2.jdbc.JdbcConnection",
        "org.eclipse.jetty.server.Server",
        "com.fasterxml.jackson.databind.ObjectMapper",
        "org.apache.avro.Schema"
      })
  void everyWovenClassOfALibraryPassesTheJvmsVerifier(String classOfTheJar) throws Exception {
    // The clock calls are redirected too, after the weaving, as the agent's transformer does.
    List<CallRedirect> clock =
        List.of(
            new CallRedirect(
                "java/lang/System",
                "currentTimeMillis",
                "()J",
                CallRedirectTest.FixedClock.class.getName().replace('.', '/')));
    int callers = 0;
    int redirected = 0;
    List<String> missed = new ArrayList<>();
    ClassLoader parent = getClass().getClassLoader();
    Path jar = jarOf(Class.forName(classOfTheJar, false, parent));
    AdviceMethods advice = AdviceMethods.of(EverythingAdvice.class);
    Map<String, byte[]> woven = new TreeMap<>();
    int methods = 0;
    try (JarFile file = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        String name = entry.getName();
        if (!name.endsWith(".class") || name.contains("-") || name.startsWith("META-INF")) {
          continue;
        }
        byte[] classFile;
        try (InputStream in = file.getInputStream(entry)) {
          classFile = in.readAllBytes();
        }
        TypeInfo type = TypeInfo.parse(classFile, parent);
        byte[] rewritten =
            Weaver.weave(classFile, type, List.of(new Weaver.Applied(m -> true, advice)));
        // A class with nothing to weave (only constructors, say) joins the library as it is.
        byte[] result = rewritten == null ? classFile : rewritten;
        boolean calls = callsTheClock(classFile);
        callers += calls ? 1 : 0;
        if (CallRedirect.mayCall(classFile, clock)) {
          byte[] out = CallRedirect.apply(result, clock);
          if (out != null) {
            result = out;
            redirected++;
          }
        } else if (calls) {
          missed.add(name);
        }
        if (callsTheClock(result)) {
          missed.add(name + " (still calls it)");
        }
        woven.put(type.name(), result);
        methods += (int) type.methods().stream().filter(MethodInfo::isWeavable).count();
      }
    }
    // The whole library woven in one class loader, so that its classes see each other's woven
    // versions (a subclass and its woven super class in different loaders would not match).
    ClassLoader library = new WovenLibrary(woven, parent);
    List<String> failures = new ArrayList<>();
    for (String name : woven.keySet()) {
      try {
        // Asking for the declared methods links the class, and linking verifies it; its static
        // initialiser does not run.
        Class.forName(name, false, library).getDeclaredMethods();
      } catch (VerifyError | ClassFormatError error) {
        failures.add(name + ": " + error);
      } catch (LinkageError | SecurityException other) {
        // A dependency the library leaves optional, absent here: not the weaver's doing.
      }
    }
    assertThat(failures).as("%d classes, %d methods woven", woven.size(), methods).isEmpty();
    assertThat(missed).as("clock calls left in place").isEmpty();
    assertThat(redirected).as("classes redirected").isEqualTo(callers);
    assertThat(methods).as("methods woven").isGreaterThan(2_000);
  }

  /** Whether a class calls System.currentTimeMillis or refers to it as a method handle. */
  private static boolean callsTheClock(byte[] classFile) {
    boolean[] found = new boolean[1];
    new ClassReader(classFile)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String desc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                  @Override
                  public void visitMethodInsn(
                      int opcode, String owner, String name, String desc, boolean itf) {
                    found[0] |= isClock(owner, name);
                  }

                  @Override
                  public void visitInvokeDynamicInsn(
                      String name, String desc, Handle bootstrap, Object... arguments) {
                    for (Object a : arguments) {
                      found[0] |= a instanceof Handle h && isClock(h.getOwner(), h.getName());
                    }
                  }

                  @Override
                  public void visitLdcInsn(Object value) {
                    found[0] |= value instanceof Handle h && isClock(h.getOwner(), h.getName());
                  }
                };
              }
            },
            0);
    return found[0];
  }

  private static boolean isClock(String owner, String name) {
    return owner.equals("java/lang/System") && name.equals("currentTimeMillis");
  }

  /** Defines the woven classes itself, first; everything else comes from its parent. */
  private static final class WovenLibrary extends ClassLoader {
    private final Map<String, byte[]> classes;

    WovenLibrary(Map<String, byte[]> classes, ClassLoader parent) {
      super(parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        return c != null ? c : defineClass(name, bytes, 0, bytes.length);
      }
    }
  }

  private static Path jarOf(Class<?> type) throws URISyntaxException, IOException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
