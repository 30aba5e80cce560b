package io.retrace.redaction.internal;

/**
 * The built-in detectors, in priority order: when two matches overlap they are merged and the
 * action of the earlier kind here applies. Secrets come first, so that a password inside a URL is
 * treated as a password and not as part of an e-mail address.
 */
public enum DetectorKind {
  PRIVATE_KEY("private-key", ActionSpec.replace("[PRIVATE KEY]")),
  URL_PASSWORD("url-password", ActionSpec.replace(ActionSpec.DEFAULT_REPLACEMENT)),
  CONN_PASSWORD("conn-password", ActionSpec.replace(ActionSpec.DEFAULT_REPLACEMENT)),
  JWT("jwt", ActionSpec.replace(ActionSpec.DEFAULT_REPLACEMENT)),
  BEARER("bearer", ActionSpec.replace(ActionSpec.DEFAULT_REPLACEMENT)),
  AWS_KEY_ID("aws-key-id", ActionSpec.replace(ActionSpec.DEFAULT_REPLACEMENT)),
  AWS_SECRET("aws-secret", ActionSpec.replace(ActionSpec.DEFAULT_REPLACEMENT)),
  CARD("card", ActionSpec.mask(4)),
  IBAN("iban", ActionSpec.hash()),
  SSN("ssn", ActionSpec.hash()),
  EMAIL("email", ActionSpec.hash()),
  PHONE("phone", ActionSpec.hash());

  private static final DetectorKind[] ALL = values();

  private final String id;
  private final String ruleName;
  private final ActionSpec defaultAction;

  DetectorKind(String id, ActionSpec defaultAction) {
    this.id = id;
    this.ruleName = "detector." + id;
    this.defaultAction = defaultAction;
  }

  /** The name used in policy files and in notes ({@code detector.<id>}). */
  public String id() {
    return id;
  }

  /** The rule name in notes: {@code detector.<id>}. */
  public String ruleName() {
    return ruleName;
  }

  public ActionSpec defaultAction() {
    return defaultAction;
  }

  public static DetectorKind byId(String id) {
    for (DetectorKind k : ALL) {
      if (k.id.equals(id)) {
        return k;
      }
    }
    return null;
  }

  public static DetectorKind[] all() {
    return ALL;
  }
}
