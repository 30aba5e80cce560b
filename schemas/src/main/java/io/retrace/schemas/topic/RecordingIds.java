package io.retrace.schemas.topic;

/**
 * The rule for recording ids, which become part of topic names and archive paths: 1 to 200 of the
 * characters both allow. Apart from {@link Topics} so that checking an id (the agent does in its
 * premain) does not initialize every topic's serdes.
 */
public final class RecordingIds {
  static final int MAX_LENGTH = 200;

  private RecordingIds() {}

  /** Returns {@code recordingId}, or throws naming the characters allowed. */
  public static String requireValid(String recordingId) {
    if (!isValid(recordingId)) {
      throw new IllegalArgumentException(
          "Invalid recording id '"
              + recordingId
              + "': use 1 to 200 of the characters A-Z a-z 0-9 . _ -");
    }
    return recordingId;
  }

  private static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }
}
