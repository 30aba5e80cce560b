package io.retrace.archiver;

import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.SessionSummary;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.Topics;
import io.retrace.testkit.TestStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Fresh topics and archiver settings for one test on the shared broker. */
final class TestArchivers {
  final TestStack stack;
  final Topic<String, RecordedEvent> events;
  final Topic<String, SessionSummary> sessions;
  final Topic<String, RecordingInfo> recordings;
  final Topic<String, AuditEvent> audit;
  final String group;

  TestArchivers(TestStack stack) {
    this.stack = stack;
    this.events = stack.freshTopic(Topics.EVENTS);
    this.sessions = stack.freshTopic(Topics.SESSIONS);
    this.recordings = stack.freshTopic(Topics.RECORDINGS);
    this.audit = stack.freshTopic(Topics.AUDIT);
    this.group = stack.uniqueName("archiver");
  }

  /** Settings for an archiver of these topics into {@code archiveUri}, plus {@code overrides}. */
  Map<String, String> settings(String archiveUri, Map<String, String> overrides) {
    Map<String, String> s = new HashMap<>();
    s.put("bootstrap.servers", stack.bootstrapServers());
    s.put("schema.registry.url", stack.registryUrl());
    s.put("archive.uri", archiveUri);
    s.put("group.id", group);
    s.put("topic.events", events.name());
    s.put("topic.sessions", sessions.name());
    s.put("topic.recordings", recordings.name());
    s.put("topic.audit", audit.name());
    s.put("rotation.interval", "1s");
    s.putAll(overrides);
    return s;
  }

  ArchiverConfig config(Path root, Map<String, String> overrides) {
    return ArchiverConfig.of(settings(root.toUri().toString(), overrides));
  }
}
