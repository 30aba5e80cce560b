package io.retrace.archiver.retention;

import io.retrace.archiver.format.OutputPartition;
import java.util.List;

/**
 * What a retention run deletes and what it keeps on purpose.
 *
 * @param deletions one per recording with something to delete
 * @param held recordings under legal hold that would otherwise have been deleted
 */
public record RetentionPlan(List<Deletion> deletions, List<String> held) {
  public RetentionPlan {
    deletions = List.copyOf(deletions);
    held = List.copyOf(held);
  }

  /**
   * The expired archive folders of one recording, and whether its raw topic goes too.
   *
   * @param rawTopic the raw topic to delete, or null
   * @param reason why, for the audit trail
   */
  public record Deletion(
      String recordingId, List<OutputPartition> folders, String rawTopic, String reason) {
    public Deletion {
      folders = List.copyOf(folders);
    }
  }

  public boolean isEmpty() {
    return deletions.isEmpty();
  }
}
