package io.retrace.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * Runs a main class in a child-first class loader over the class path given in {@code
 * -Dchild.classpath}, as a servlet container's web application loader or a Spring Boot launcher
 * does: the servlet API and the application live in a class loader the agent (on the system class
 * path) cannot see. Usage: {@code -Dchild.classpath=... -Dchild.main=Class ChildFirstMain args}.
 *
 * <p>With {@code -Dchild.javax=PREFIX}, the child's classes whose names start with {@code PREFIX}
 * are renamed from {@code jakarta.servlet} to {@code javax.servlet} as they load, as Tomcat's
 * migration tool renames a web application the other way: the servlet example, written for Servlet
 * 6, runs on a Servlet 4 container. Needs ASM and asm-commons on the class path.
 */
public final class ChildFirstMain {
  private ChildFirstMain() {}

  public static void main(String[] args) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("child.classpath").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    ClassLoader loader =
        new ChildFirstLoader(
            urls.toArray(URL[]::new),
            ChildFirstMain.class.getClassLoader(),
            System.getProperty("child.javax"));
    Thread.currentThread().setContextClassLoader(loader);
    Class.forName(System.getProperty("child.main"), true, loader)
        .getMethod("main", String[].class)
        .invoke(null, (Object) args);
  }

  /** Its own jars first, then the parent: a class on both paths is the child's. */
  private static final class ChildFirstLoader extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    /** The classes renamed to javax.servlet: those whose names start with it; null for none. */
    private final String javaxPrefix;

    ChildFirstLoader(URL[] urls, ClassLoader parent, String javaxPrefix) {
      super("child-first", urls, parent);
      this.javaxPrefix = javaxPrefix;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (javaxPrefix == null || !name.startsWith(javaxPrefix)) {
        return super.findClass(name);
      }
      URL url = findResource(name.replace('.', '/') + ".class");
      if (url == null) {
        throw new ClassNotFoundException(name);
      }
      try (InputStream in = url.openStream()) {
        byte[] bytes = ToJavax.rename(in.readAllBytes());
        return defineClass(name, bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new ClassNotFoundException(name, e);
      }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> type = findLoadedClass(name);
        if (type == null) {
          try {
            type = findClass(name);
          } catch (ClassNotFoundException notHere) {
            return super.loadClass(name, resolve);
          }
        }
        if (resolve) {
          resolveClass(type);
        }
        return type;
      }
    }
  }

  /** Apart, so that ASM is needed only when classes are renamed. */
  private static final class ToJavax extends Remapper {
    @Override
    public String map(String internalName) {
      return internalName.startsWith("jakarta/servlet/")
          ? "javax/" + internalName.substring("jakarta/".length())
          : internalName;
    }

    static byte[] rename(byte[] classFile) {
      ClassWriter renamed = new ClassWriter(0);
      new ClassReader(classFile).accept(new ClassRemapper(renamed, new ToJavax()), 0);
      return renamed.toByteArray();
    }
  }
}
