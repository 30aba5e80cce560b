package io.retrace.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class CallRedirectTest {
  private static final List<CallRedirect> TO_FIXED_CLOCK =
      List.of(
          new CallRedirect(
              "java/lang/System",
              "currentTimeMillis",
              "()J",
              FixedClock.class.getName().replace('.', '/')));

  /** What the rewritten calls reach instead of the JDK's clock. */
  public static final class FixedClock {
    private FixedClock() {}

    public static long currentTimeMillis() {
      return 42L;
    }
  }

  /** Reads the clock every way a class can, and reads another clock and a look-alike name. */
  public static final class ClockUser {
    private ClockUser() {}

    public static long direct() {
      return System.currentTimeMillis();
    }

    public static long inALoop(int n) {
      long sum = 0;
      for (int i = 0; i < n; i++) {
        sum += System.currentTimeMillis();
      }
      return sum;
    }

    public static long viaMethodReference() {
      LongSupplier clock = System::currentTimeMillis;
      return clock.getAsLong();
    }

    public static long nanoTime() {
      return System.nanoTime() + 1_234_567_890_123L;
    }

    public static long currentTimeMillis() {
      return -1; // same name, other owner: left alone
    }

    public static long ownMethodOfTheSameName() {
      return currentTimeMillis();
    }
  }

  /** Mentions the name only as text. */
  public static final class NamesTheClock {
    private NamesTheClock() {}

    public static String name() {
      return "currentTimeMillis";
    }
  }

  /** Reads no clock; its constant pool has entries of every width, and a shorter look-alike. */
  public static final class NoClock {
    private NoClock() {}

    public static long big() {
      return 1_234_567_890_123L;
    }

    public static double ratio() {
      return 0.75d;
    }

    public static float third() {
      return 0.33f;
    }

    public static int answer() {
      return 123_456_789;
    }

    public static String lookAlike() {
      return "currentTimeMilli";
    }

    public static LongSupplier nanos() {
      return System::nanoTime;
    }
  }

  @Test
  void callsAndMethodReferencesAreRedirectedAndNothingElse() throws Exception {
    byte[] original = ClassFiles.of(ClockUser.class);
    assertThat(CallRedirect.mayCall(original, TO_FIXED_CLOCK)).isTrue();

    byte[] rewritten = CallRedirect.apply(original, TO_FIXED_CLOCK);
    assertThat(rewritten).isNotNull();
    Class<?> type =
        ClassFiles.define(ClockUser.class.getName(), rewritten, getClass().getClassLoader());

    assertThat(call(type, "direct")).isEqualTo(42L);
    assertThat(type.getMethod("inALoop", int.class).invoke(null, 3)).isEqualTo(126L);
    assertThat(call(type, "viaMethodReference")).isEqualTo(42L);
    assertThat((long) call(type, "nanoTime")).isNotEqualTo(42L + 1_234_567_890_123L);
    assertThat(call(type, "ownMethodOfTheSameName")).isEqualTo(-1L);
    // The original class, untouched, reads the real clock.
    assertThat(ClockUser.direct()).isGreaterThan(1_700_000_000_000L);
  }

  @Test
  void aClassThatDoesNotCallTheMethodIsLeftAsItIs() throws Exception {
    assertThat(CallRedirect.mayCall(ClassFiles.of(NoClock.class), TO_FIXED_CLOCK)).isFalse();
    // The name in its constant pool as text only: searched, parsed, and found not to call it.
    byte[] namesIt = ClassFiles.of(NamesTheClock.class);
    assertThat(CallRedirect.mayCall(namesIt, TO_FIXED_CLOCK)).isTrue();
    assertThat(CallRedirect.apply(namesIt, TO_FIXED_CLOCK)).isNull();
  }

  private static Object call(Class<?> type, String method) throws Exception {
    Method m = type.getMethod(method);
    return m.invoke(null);
  }
}
