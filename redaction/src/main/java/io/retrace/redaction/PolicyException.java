package io.retrace.redaction;

import java.util.List;

/**
 * A redaction policy that cannot be used: names the source (file) and lists every problem found,
 * each with its line, so that one run of the validator shows all of them.
 */
public class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public PolicyException(String sourceName, List<String> problems) {
    super(message(sourceName, problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code "<source>:<line>: <what is wrong>"}. */
  public List<String> problems() {
    return problems;
  }

  private static String message(String sourceName, List<String> problems) {
    StringBuilder sb =
        new StringBuilder("Redaction policy ")
            .append(sourceName)
            .append(" has ")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem:" : " problems:");
    for (String p : problems) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }
}
