package io.retrace.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ParametersTest {
  private static List<String> contents(Parameters p) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < p.size(); i++) {
      out.add(p.index(i) + "=" + p.value(i));
    }
    return out;
  }

  @Test
  void parametersComeOutInIndexOrderWhateverOrderTheyWereSetIn() {
    Parameters p = new Parameters();
    p.put(3, "c");
    p.put(1, "a");
    p.put(2, "b");
    p.put(10, null);

    assertThat(contents(p)).containsExactly("1=a", "2=b", "3=c", "10=null");
  }

  @Test
  void settingAnIndexAgainReplacesItsValue() {
    Parameters p = new Parameters();
    p.put(1, "a");
    p.put(2, "b");
    p.put(1, "again");

    assertThat(contents(p)).containsExactly("1=again", "2=b");
  }

  @Test
  void clearForgetsEverythingAndTheNextExecutionStartsAfresh() {
    Parameters p = new Parameters();
    for (int i = 1; i <= 20; i++) {
      p.put(i, i);
    }
    p.clear();
    p.put(2, "x");

    assertThat(contents(p)).containsExactly("2=x");
  }

  @Test
  void agreesWithASortedMapOverRandomSettings() {
    Random random = new Random(42);
    Parameters p = new Parameters();
    TreeMap<Integer, Object> expected = new TreeMap<>();
    for (int i = 0; i < 5_000; i++) {
      int index = 1 + random.nextInt(64);
      p.put(index, i);
      expected.put(index, i);
    }

    List<String> want = new ArrayList<>();
    for (Map.Entry<Integer, Object> e : expected.entrySet()) {
      want.add(e.getKey() + "=" + e.getValue());
    }
    assertThat(contents(p)).isEqualTo(want);
  }
}
