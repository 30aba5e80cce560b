package io.retrace.archiver.format;

import java.util.Locale;

/**
 * Deterministic archive file names, {@code <topic>+<partition>+<startOffset, 20 digits>.parquet}:
 * the same records from the same offset always land in a file of the same name, which is what makes
 * a rewrite after a crash replace a file instead of duplicating it.
 */
public final class FileNames {
  /** Where a file is while being written on a file system; readers skip names starting with _. */
  public static final String TEMP_PREFIX = "_tmp.";

  private FileNames() {}

  public static String of(String topic, int partition, long startOffset) {
    return String.format(Locale.ROOT, "%s+%d+%020d.parquet", topic, partition, startOffset);
  }
}
