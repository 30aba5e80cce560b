package io.retrace.agent;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a main class in a child-first class loader over the class path given in {@code
 * -Dchild.classpath}, as a servlet container's web application loader or a Spring Boot launcher
 * does: the servlet API and the application live in a class loader the agent (on the system class
 * path) cannot see. Usage: {@code -Dchild.classpath=... -Dchild.main=Class ChildFirstMain args}.
 */
public final class ChildFirstMain {
  private ChildFirstMain() {}

  public static void main(String[] args) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("child.classpath").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    ClassLoader loader =
        new ChildFirstLoader(urls.toArray(URL[]::new), ChildFirstMain.class.getClassLoader());
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

    ChildFirstLoader(URL[] urls, ClassLoader parent) {
      super("child-first", urls, parent);
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
}
