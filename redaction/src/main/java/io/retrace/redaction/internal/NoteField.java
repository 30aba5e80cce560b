package io.retrace.redaction.internal;

/**
 * The field path a note names ({@code request.header.Authorization}), built only when a note is
 * actually written: most values are clean, and building paths for them would cost more than
 * scanning them.
 */
@FunctionalInterface
public interface NoteField {
  String resolve();
}
