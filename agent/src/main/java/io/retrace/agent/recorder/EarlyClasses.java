package io.retrace.agent.recorder;

import io.retrace.agent.JdkUnsafe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.ZipEntry;

/**
 * Defines the ByteBuddy classes that instrumenting at start-up uses (~640, listed in {@value #LIST}
 * in the order they load) ahead of their first use, reading them in one pass over the agent jar.
 * Loaded one at a time, each would go through the application class loader's search of the class
 * path, on which the agent jar comes last (a lookup in every jar before it, a resource URL, the
 * code source and package checks): ~80 ms of CPU at start-up, much of it on the application's main
 * thread as it instruments its first classes.
 *
 * <p>Each class goes into the loader that loaded the agent, with the protection domain that loader
 * gives the agent's classes, under that loader's own lock for the class name: a class another
 * thread loads meanwhile is defined once (the loader finds it defined, or this finds it defined and
 * skips it). Whatever fails leaves the classes to load as usual; the list only saves time.
 */
final class EarlyClasses {
  private static final Logger log = Logger.getLogger(EarlyClasses.class.getName());

  /**
   * The list, a resource next to this class: one binary class name per line, {@code #} comments.
   */
  static final String LIST = "early-classes.txt";

  private EarlyClasses() {}

  /** Defines the listed classes not defined yet; answers how many it defined. */
  static int define() {
    ClassLoader loader = EarlyClasses.class.getClassLoader();
    ProtectionDomain domain = EarlyClasses.class.getProtectionDomain();
    CodeSource source = domain.getCodeSource();
    int defined = 0;
    try {
      Path jar = source == null ? null : Path.of(source.getLocation().toURI());
      if (jar == null || !Files.isRegularFile(jar)) {
        return 0; // the agent's classes are not in a jar (its own unit tests)
      }
      JdkUnsafe unsafe = JdkUnsafe.get();
      try (JarFile file = new JarFile(jar.toFile(), false)) {
        for (String name : names()) {
          ZipEntry entry = file.getEntry(name.replace('.', '/') + ".class");
          if (entry == null) {
            continue; // listed for another ByteBuddy version
          }
          byte[] bytes;
          try (InputStream in = file.getInputStream(entry)) {
            long size = entry.getSize();
            bytes = size >= 0 ? in.readNBytes((int) size) : in.readAllBytes();
          }
          synchronized (unsafe.classLoadingLock(loader, name)) {
            try {
              unsafe.defineClass(name, bytes, loader, domain);
              defined++;
            } catch (ReflectiveOperationException e) {
              // Most likely loaded already, by a thread that needed it first.
              log.log(Level.FINEST, "Retrace: did not define " + name + " ahead", e);
            }
          }
        }
      }
    } catch (IOException | URISyntaxException | ReflectiveOperationException | RuntimeException e) {
      log.log(Level.FINE, "Retrace: defining ByteBuddy's classes ahead stopped", e);
    }
    return defined;
  }

  static List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = EarlyClasses.class.getResourceAsStream(LIST)) {
      if (in == null) {
        throw new IOException("the agent jar lacks " + LIST);
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String name = line.strip();
        if (!name.isEmpty() && !name.startsWith("#")) {
          names.add(name);
        }
      }
    }
    return names;
  }
}
