package io.retrace.agent.recorder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads the ByteBuddy classes that instrumenting at start-up uses (~710, listed in {@value #LIST}
 * in the order they load) ahead of their first use, on the {@code retrace-instrument} thread, so
 * that the application's main thread, when it instruments its first classes, finds them loaded. A
 * class the main thread needs first it loads itself: the agent's class loader holds a lock per
 * class name, and the class is defined once. A listed name the jar lacks (another ByteBuddy
 * version) is skipped: the list only saves time.
 */
final class EarlyClasses {
  private static final Logger log = Logger.getLogger(EarlyClasses.class.getName());

  /**
   * The list, a resource next to this class: one binary class name per line, {@code #} comments.
   */
  static final String LIST = "early-classes.txt";

  private EarlyClasses() {}

  /** Loads the listed classes; answers how many it found. */
  static int load() {
    ClassLoader loader = EarlyClasses.class.getClassLoader();
    int loaded = 0;
    try {
      for (String name : names()) {
        try {
          Class.forName(name, false, loader);
          loaded++;
        } catch (ClassNotFoundException | LinkageError e) {
          log.log(Level.FINEST, "Retrace: did not load " + name + " ahead", e);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.log(Level.FINE, "Retrace: loading ByteBuddy's classes ahead stopped", e);
    }
    return loaded;
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
