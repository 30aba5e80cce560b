package io.retrace.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's classes and resources from under {@value #PREFIX} in the agent jar. Its parent
 * is the platform class loader: the agent sees the JDK (and the bootstrap classes it injects), not
 * the application's classes, and the application does not see the agent's. A class costs one lookup
 * in the jar, where the application class loader searched every jar of the class path before the
 * agent's. Closed only if it turns out to hold no agent (see {@link RetraceAgent}): the agent's
 * classes live as long as the JVM.
 */
final class AgentClassLoader extends ClassLoader implements AutoCloseable {
  static final String PREFIX = "retrace/";

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  private final String base;
  private final ProtectionDomain domain;

  AgentClassLoader(Path jarPath) throws IOException {
    super("retrace-agent", ClassLoader.getPlatformClassLoader());
    this.jar = new JarFile(jarPath.toFile(), false);
    URL location = jarPath.toUri().toURL();
    this.base = "jar:" + location + "!/" + PREFIX;
    this.domain =
        new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
  }

  /** Whether the jar holds the class under the prefix. */
  boolean holds(String className) {
    return jar.getEntry(classEntry(className)) != null;
  }

  private static String classEntry(String className) {
    return PREFIX + className.replace('.', '/') + ".class";
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(classEntry(name));
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      long size = entry.getSize();
      bytes = size >= 0 ? in.readNBytes((int) size) : in.readAllBytes();
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String pkg = name.substring(0, dot);
      if (getDefinedPackage(pkg) == null) {
        try {
          definePackage(pkg, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException defined) {
          // another thread defined it meanwhile
        }
      }
    }
    return defineClass(name, bytes, 0, bytes.length, domain);
  }

  @Override
  protected URL findResource(String name) {
    if (jar.getEntry(PREFIX + name) == null) {
      return null;
    }
    try {
      return new URL(base + name);
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(url));
  }

  /** Straight from the jar, without a URL connection, for the agent's own resources. */
  @Override
  public InputStream getResourceAsStream(String name) {
    JarEntry entry = jar.getJarEntry(PREFIX + name);
    if (entry == null) {
      return super.getResourceAsStream(name);
    }
    try {
      return jar.getInputStream(entry);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    jar.close();
  }
}
