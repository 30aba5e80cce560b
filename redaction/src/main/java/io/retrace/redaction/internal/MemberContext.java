package io.retrace.redaction.internal;

/**
 * The context a JSON value is scanned with: its member name, after the name of the member around
 * that one when there is one ({@code aws.key}), as a view of where the names lie, so that giving
 * each value its context costs no string. Only the AWS-secret detector reads it, in place, for a
 * value of 40 characters or more; one instance is reused for every value of a document.
 */
final class MemberContext implements CharSequence {
  private String outerText;
  private int outerFrom;
  private int outerTo;
  private String text;
  private int from;
  private int to;

  /** Sets the member name {@code text[from, to)}, with no outer name. */
  MemberContext of(String text, int from, int to) {
    this.outerText = null;
    this.text = text;
    this.from = from;
    this.to = to;
    return this;
  }

  /** Puts the outer member name {@code text[from, to)} before the name set by {@link #of}. */
  MemberContext within(String text, int from, int to) {
    this.outerText = text;
    this.outerFrom = from;
    this.outerTo = to;
    return this;
  }

  private int outerLength() {
    return outerText == null ? 0 : outerTo - outerFrom + 1;
  }

  @Override
  public int length() {
    return outerLength() + to - from;
  }

  @Override
  public char charAt(int index) {
    int outer = outerLength();
    if (index >= outer) {
      return text.charAt(from + index - outer);
    }
    return index == outer - 1 ? '.' : outerText.charAt(outerFrom + index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  @Override
  public String toString() {
    String name = text.substring(from, to);
    return outerText == null ? name : outerText.substring(outerFrom, outerTo) + '.' + name;
  }
}
