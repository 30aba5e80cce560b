package io.retrace.redaction;

import io.retrace.redaction.internal.EventRedactor;
import io.retrace.redaction.internal.Hasher;
import io.retrace.redaction.internal.Scope;
import io.retrace.schemas.event.RecordedEvent;
import java.util.Map;

/**
 * Applies a {@link RedactionPolicy} to events, with the deployment's HMAC key for the hash action.
 * Rules are compiled once, at {@link #create}; a Redactor is thread-safe and meant to be shared.
 * Memory per call is bounded by the event itself (one copy of each changed part) plus at most
 * {@value io.retrace.redaction.internal.Notes#MAX} notes.
 */
public final class Redactor {
  private final RedactionPolicy policy;
  private final Map<String, Scope> scopes;
  private final Scope defaults;
  private final EventRedactor walker;

  private Redactor(RedactionPolicy policy, Map<String, Scope> scopes, EventRedactor walker) {
    this.policy = policy;
    this.scopes = scopes;
    this.defaults = scopes.get("");
    this.walker = walker;
  }

  /**
   * A redactor for {@code policy}. {@code hmacKey} (at least 16 bytes; 32 random bytes recommended)
   * keys the hash action and must be the same across a deployment for tokens to join; {@code stage}
   * ({@code "agent"} or {@code "ingest"}) is recorded in every note.
   */
  public static Redactor create(RedactionPolicy policy, byte[] hmacKey, String stage) {
    if (policy == null) {
      throw new IllegalArgumentException("a redaction policy is required");
    }
    if (stage == null || stage.isBlank()) {
      throw new IllegalArgumentException("the stage (\"agent\" or \"ingest\") is required");
    }
    Hasher hasher = new Hasher(hmacKey);
    return new Redactor(
        policy, policy.model().compile(hasher), new EventRedactor(hasher, stage, policy.hash()));
  }

  /**
   * The event with the policy applied for its service ({@code origin.service}, else the defaults).
   * When something changed: a new event that shares unchanged parts with the input, with notes
   * appended to {@code redactions} and {@code redactionPolicy} set to {@link #policyHash()}. When
   * nothing changed: {@code event} itself. The input is never modified.
   */
  public RecordedEvent redact(RecordedEvent event) {
    String service = event.getOrigin() == null ? null : event.getOrigin().getService();
    Scope scope = service == null ? defaults : scopes.getOrDefault(service, defaults);
    return walker.redact(event, scope);
  }

  public String policyHash() {
    return policy.hash();
  }

  public RedactionPolicy policy() {
    return policy;
  }
}
