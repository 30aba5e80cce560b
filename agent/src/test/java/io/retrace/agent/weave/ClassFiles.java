package io.retrace.agent.weave;

import java.io.IOException;
import java.io.InputStream;

/** Class files of test classes, and a class loader that defines one class from rewritten bytes. */
public final class ClassFiles {
  private ClassFiles() {}

  public static byte[] of(Class<?> type) throws IOException {
    String resource = "/" + type.getName().replace('.', '/') + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }

  /**
   * Defines {@code name} from {@code bytes} in a class loader of its own (so that the JVM verifies
   * it), delegating every other class to {@code parent}.
   */
  public static Class<?> define(String name, byte[] bytes, ClassLoader parent)
      throws ClassNotFoundException {
    return new OneClassLoader(name, bytes, parent).loadClass(name);
  }

  private static final class OneClassLoader extends ClassLoader {
    private final String name;
    private final byte[] bytes;

    OneClassLoader(String name, byte[] bytes, ClassLoader parent) {
      super(parent);
      this.name = name;
      this.bytes = bytes;
    }

    @Override
    protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
      if (className.equals(name)) {
        synchronized (getClassLoadingLock(className)) {
          Class<?> c = findLoadedClass(className);
          return c != null ? c : defineClass(className, bytes, 0, bytes.length);
        }
      }
      return super.loadClass(className, resolve);
    }
  }
}
