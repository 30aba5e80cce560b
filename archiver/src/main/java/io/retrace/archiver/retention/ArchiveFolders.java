package io.retrace.archiver.retention;

import io.retrace.archiver.format.OutputPartition;
import io.retrace.archiver.storage.ArchiveStorage;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Lists the recording folders of an archive: {@code table/service=/date=/recording=}. */
public final class ArchiveFolders {
  private ArchiveFolders() {}

  public static List<OutputPartition> list(ArchiveStorage storage, List<String> tables)
      throws IOException {
    List<OutputPartition> folders = new ArrayList<>();
    for (String table : tables) {
      for (String service : storage.list(table)) {
        String s = value(service, "service=");
        if (s == null) {
          continue;
        }
        for (String date : storage.list(table + "/" + service)) {
          LocalDate d = date(value(date, "date="));
          if (d == null) {
            continue;
          }
          for (String recording : storage.list(table + "/" + service + "/" + date)) {
            String r = value(recording, "recording=");
            if (r != null) {
              folders.add(
                  new OutputPartition(
                      table, OutputPartition.unescape(s), d, OutputPartition.unescape(r)));
            }
          }
        }
      }
    }
    return folders;
  }

  private static String value(String name, String prefix) {
    return name.startsWith(prefix) ? name.substring(prefix.length()) : null;
  }

  private static LocalDate date(String s) {
    if (s == null) {
      return null;
    }
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
