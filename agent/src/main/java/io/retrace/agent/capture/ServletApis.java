package io.retrace.agent.capture;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * Finds the {@link ServletApi} for a request: the one loaded beside the copy of {@code
 * jakarta.servlet} or {@code javax.servlet} the request's class implements. A WAR's servlet API
 * lives in the container's class loader, a Spring Boot jar's in its launcher's, an embedded
 * server's in the application's; the agent sees none of them. So the helpers ({@code
 * io.retrace.agent.servlet.*}, compiled against the servlet API and shipped in the agent jar) are
 * defined in a small {@link HelperLoader} whose parent is the servlet API's loader and which takes
 * the agent's own classes from the agent: the helpers link against the application's servlet API
 * and against the agent, and nothing is injected into the application's class loaders. One helper
 * loader per servlet API, found once per request class (ClassValue: nothing here keeps a web
 * application's classes alive).
 *
 * <p>The helpers are compiled against {@code jakarta.servlet} only. For {@code javax.servlet}
 * (Servlet 4 and earlier: Tomcat 9, Jetty 9 and 10, Spring Boot 2) their class files are renamed as
 * they are defined, {@code jakarta/servlet/} to {@code javax/servlet/}, as the Eclipse Transformer
 * and Tomcat's migration tool rename applications: Servlet 5 is Servlet 4 under the new namespace,
 * so the same helpers link against either.
 */
final class ServletApis {
  private static final Logger log = Logger.getLogger(ServletApis.class.getName());
  private static final String REQUEST = "jakarta.servlet.http.HttpServletRequest";
  private static final String JAVAX_REQUEST = "javax.servlet.http.HttpServletRequest";
  private static final String HELPERS = "io.retrace.agent.servlet.";
  private static final String IMPLEMENTATION = HELPERS + "JakartaServletApi";

  private final ClassLoader agentLoader;

  private final ClassValue<Optional<ServletApi>> byApi =
      new ClassValue<>() {
        @Override
        protected Optional<ServletApi> computeValue(Class<?> requestInterface) {
          return load(requestInterface);
        }
      };

  private final ClassValue<Optional<ServletApi>> byRequestClass =
      new ClassValue<>() {
        @Override
        protected Optional<ServletApi> computeValue(Class<?> type) {
          Class<?> api = find(type, REQUEST);
          if (api == null) {
            api = find(type, JAVAX_REQUEST);
          }
          return api == null ? Optional.empty() : byApi.get(api);
        }
      };

  ServletApis(ClassLoader agentLoader) {
    this.agentLoader = agentLoader;
  }

  /** The API {@code request} belongs to, or null if it is no servlet request. */
  ServletApi of(Object request) {
    return byRequestClass.get(request.getClass()).orElse(null);
  }

  private Optional<ServletApi> load(Class<?> requestInterface) {
    try {
      ClassLoader helpers =
          new HelperLoader(
              requestInterface.getClassLoader(),
              agentLoader,
              requestInterface.getName().equals(JAVAX_REQUEST));
      return Optional.of(
          (ServletApi)
              Class.forName(IMPLEMENTATION, true, helpers).getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // A servlet API the helpers do not link against: its requests run as they are, unrecorded.
      log.log(Level.WARNING, "Retrace: servlet requests of " + requestInterface + " unrecorded", e);
      return Optional.empty();
    }
  }

  /** {@code type} itself, or the class or interface named {@code name} it extends or implements. */
  static Class<?> find(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(name)) {
        return c;
      }
      for (Class<?> implemented : c.getInterfaces()) {
        Class<?> found = find(implemented, name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /**
   * Defines the servlet helpers from the agent jar's bytes (renamed to {@code javax.servlet} for a
   * javax API), takes the rest of the agent from the agent, and everything else (the servlet API,
   * the JDK) from the servlet API's loader.
   */
  static final class HelperLoader extends ClassLoader {
    static {
      registerAsParallelCapable();
    }

    private static final Remapper TO_JAVAX =
        new Remapper() {
          @Override
          public String map(String internalName) {
            return internalName.startsWith("jakarta/servlet/")
                ? "javax/servlet/" + internalName.substring("jakarta/servlet/".length())
                : internalName;
          }
        };

    private final ClassLoader agentLoader;
    private final boolean javax;

    HelperLoader(ClassLoader apiLoader, ClassLoader agentLoader, boolean javax) {
      super("retrace-servlet", apiLoader);
      this.agentLoader = agentLoader;
      this.javax = javax;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("io.retrace.agent.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> type = findLoadedClass(name);
        if (type == null) {
          type = name.startsWith(HELPERS) ? define(name) : agentLoader.loadClass(name);
        }
        if (resolve) {
          resolveClass(type);
        }
        return type;
      }
    }

    private Class<?> define(String name) throws ClassNotFoundException {
      try (InputStream in = agentLoader.getResourceAsStream(name.replace('.', '/') + ".class")) {
        if (in == null) {
          throw new ClassNotFoundException(name);
        }
        byte[] bytes = in.readAllBytes();
        if (javax) {
          bytes = toJavax(bytes);
        }
        return defineClass(name, bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new ClassNotFoundException(name, e);
      }
    }

    /** The class file with every {@code jakarta.servlet} type renamed; frames are renamed too. */
    static byte[] toJavax(byte[] classFile) {
      ClassReader reader = new ClassReader(classFile);
      ClassWriter writer = new ClassWriter(0);
      reader.accept(new ClassRemapper(writer, TO_JAVAX), 0);
      return writer.toByteArray();
    }
  }
}
