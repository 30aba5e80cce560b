package io.retrace.ingest;

import io.retrace.schemas.topic.Topics;
import java.util.regex.Pattern;

/**
 * The topics the ingest app reads and writes. {@link #standard()} is DESIGN.md's set; tests and
 * benchmarks that share one broker give each app its own set.
 *
 * @param source the raw recording topics; the recording id is what follows {@code rawPrefix}
 * @param rawPrefix prefix of a raw topic name before the recording id
 */
public record IngestTopics(
    Pattern source,
    String rawPrefix,
    String events,
    String sessions,
    String recordings,
    String dlq) {

  /** The topics of DESIGN.md: {@code retrace.rec.*} in, {@code retrace.events} etc. out. */
  public static IngestTopics standard() {
    return new IngestTopics(
        Topics.RECORDING_PATTERN,
        Topics.RECORDING_PREFIX,
        Topics.EVENTS.name(),
        Topics.SESSIONS.name(),
        Topics.RECORDINGS.name(),
        Topics.DLQ.name());
  }

  /**
   * A set whose every name starts with {@code prefix}: raw topics are {@code <prefix>.rec.<id>},
   * the outputs {@code <prefix>.events}, {@code <prefix>.sessions}, ...
   */
  public static IngestTopics prefixed(String prefix) {
    String raw = prefix + ".rec.";
    return new IngestTopics(
        Pattern.compile(Pattern.quote(raw) + ".+"),
        raw,
        prefix + ".events",
        prefix + ".sessions",
        prefix + ".recordings",
        prefix + ".dlq");
  }

  /** The raw topic of {@code recordingId}. */
  public String raw(String recordingId) {
    return rawPrefix + recordingId;
  }

  /** The recording id in a raw topic's name, or null when the name has no such prefix. */
  public String recordingIdOf(String topic) {
    return topic.startsWith(rawPrefix) ? topic.substring(rawPrefix.length()) : null;
  }
}
