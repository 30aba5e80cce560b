package io.retrace.schemas.serde.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.RecordedEvent;
import java.util.ArrayList;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class GeneratedClassTrustTest {

  @Test
  void trustsOnlyClassesTheAvroCompilerGenerated() {
    assertThat(GeneratedClassTrust.isGenerated(RecordedEvent.class)).isTrue();
    assertThat(GeneratedClassTrust.isGenerated(EventKind.class)).isTrue();
    assertThat(GeneratedClassTrust.isGenerated(GenericData.Record.class)).isFalse();
    assertThat(GeneratedClassTrust.isGenerated(ArrayList.class)).isFalse();
  }

  @Test
  void letsAvroLoadGeneratedClassesByName() {
    GeneratedClassTrust.install();

    assertThat(SpecificData.get().getClass(RecordedEvent.getClassSchema()))
        .isEqualTo(RecordedEvent.class);
  }
}
