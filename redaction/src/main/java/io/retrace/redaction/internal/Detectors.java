package io.retrace.redaction.internal;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds sensitive values in free text. One pass over the characters, driven by a table of the few
 * characters worth a look, sets cheap flags (an {@code @}, a {@code ://}, the words "bearer",
 * "pass", "aws" ...) and parses every number where it meets it, as a card, SSN or phone candidate;
 * a text detector runs only when its flag is set, so ordinary text costs that one loop. The text
 * detectors use precompiled regexes or small hand-written scanners, and every candidate is
 * validated (Luhn, mod-97, SSN area rules).
 */
public final class Detectors {
  private static final Pattern CONN_PASSWORD =
      Pattern.compile(
          "(?i)(?<![a-z0-9_])(?:password|passwd|pwd)[\"']?\\s*[=:]\\s*"
              + "(?:\"([^\"]*)\"|'([^']*)'|((?:[^;&,\\s\"'}{]|&(?![A-Za-z_][\\w.]*=))+))");
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
  private static final Pattern BEARER =
      Pattern.compile("(?i)(?<![a-z0-9])bearer\\s+([A-Za-z0-9\\-._~+/]{8,}=*)");
  private static final Pattern AWS_KEY_ID =
      Pattern.compile(
          "(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|AGPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])");
  private static final Pattern AWS_SECRET_KV =
      Pattern.compile(
          "(?i)(?:aws|secret)[a-z0-9_.\\-]*[\"']?\\s*[=:]\\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])");
  private static final Pattern BASE64_40 =
      Pattern.compile("(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");

  /** A text shorter than this is never matched through its context: callers may leave it out. */
  public static final int MIN_CONTEXT_READ = 40;

  /** How far before a bare 40-character secret the words "aws" or "secret" may be. */
  private static final int AWS_CONTEXT = 64;

  /** IBAN length per country (ISO 13616 registry). */
  private static final Map<String, Integer> IBAN_LENGTHS =
      Map.ofEntries(
          Map.entry("AD", 24),
          Map.entry("AE", 23),
          Map.entry("AL", 28),
          Map.entry("AT", 20),
          Map.entry("AZ", 28),
          Map.entry("BA", 20),
          Map.entry("BE", 16),
          Map.entry("BG", 22),
          Map.entry("BH", 22),
          Map.entry("BR", 29),
          Map.entry("BY", 28),
          Map.entry("CH", 21),
          Map.entry("CR", 22),
          Map.entry("CY", 28),
          Map.entry("CZ", 24),
          Map.entry("DE", 22),
          Map.entry("DK", 18),
          Map.entry("DO", 28),
          Map.entry("EE", 20),
          Map.entry("EG", 29),
          Map.entry("ES", 24),
          Map.entry("FI", 18),
          Map.entry("FO", 18),
          Map.entry("FR", 27),
          Map.entry("GB", 22),
          Map.entry("GE", 22),
          Map.entry("GI", 23),
          Map.entry("GL", 18),
          Map.entry("GR", 27),
          Map.entry("GT", 28),
          Map.entry("HR", 21),
          Map.entry("HU", 28),
          Map.entry("IE", 22),
          Map.entry("IL", 23),
          Map.entry("IQ", 23),
          Map.entry("IS", 26),
          Map.entry("IT", 27),
          Map.entry("JO", 30),
          Map.entry("KW", 30),
          Map.entry("KZ", 20),
          Map.entry("LB", 28),
          Map.entry("LC", 32),
          Map.entry("LI", 21),
          Map.entry("LT", 20),
          Map.entry("LU", 20),
          Map.entry("LV", 21),
          Map.entry("MC", 27),
          Map.entry("MD", 24),
          Map.entry("ME", 22),
          Map.entry("MK", 19),
          Map.entry("MR", 27),
          Map.entry("MT", 31),
          Map.entry("MU", 30),
          Map.entry("NL", 18),
          Map.entry("NO", 15),
          Map.entry("PK", 24),
          Map.entry("PL", 28),
          Map.entry("PS", 29),
          Map.entry("PT", 25),
          Map.entry("QA", 29),
          Map.entry("RO", 24),
          Map.entry("RS", 22),
          Map.entry("SA", 24),
          Map.entry("SC", 31),
          Map.entry("SE", 24),
          Map.entry("SI", 19),
          Map.entry("SK", 24),
          Map.entry("SM", 27),
          Map.entry("ST", 25),
          Map.entry("SV", 28),
          Map.entry("TL", 23),
          Map.entry("TN", 24),
          Map.entry("TR", 26),
          Map.entry("UA", 29),
          Map.entry("VA", 22),
          Map.entry("VG", 24),
          Map.entry("XK", 20));

  private Detectors() {}

  /**
   * Adds the matches of the enabled detectors ({@code enabled[kind.ordinal()] != null}) in {@code
   * text} to {@code out}, unnormalized. {@code context} is the name the text was found under (a
   * header, JSON member or column name), or null; it lets a bare value count as a secret when its
   * name says so.
   */
  public static void scan(String text, CharSequence context, ActionSpec[] enabled, Spans out) {
    scan(text, 0, text.length(), context, enabled, out);
  }

  /**
   * {@link #scan(String, CharSequence, ActionSpec[], Spans)} of the part {@code [from, to)} of
   * {@code text}, as if it were the whole text: nothing outside it is looked at, and match offsets
   * are offsets into {@code text}. A JSON body's values are scanned this way, in place.
   */
  public static void scan(
      String text, int from, int to, CharSequence context, ActionSpec[] enabled, Spans out) {
    if (to - from >= 3) {
      scan(text, from, to, nextMarked(text, from, to), context, enabled, out);
    }
  }

  /**
   * The first position in {@code [from, to)} whose character a detector may start at, or {@code
   * to}: a text without one has no match, and a caller that finds none need not call {@link #scan}.
   */
  static int firstMarked(String text, int from, int to) {
    return nextMarked(text, from, to);
  }

  /**
   * {@link #scan(String, int, int, CharSequence, ActionSpec[], Spans)} given {@code marked}, the
   * {@link #firstMarked} position of the part (at least 3 characters long).
   */
  static void scan(
      String text,
      int from,
      int to,
      int marked,
      CharSequence context,
      ActionSpec[] enabled,
      Spans out) {
    int n = to;
    int i = marked;
    if (i == n) {
      return; // most values: nothing any detector starts with
    }
    if (isPlainHexId(text, from, n)) {
      return; // trace and request ids: dense in digits, which the pass below is slow on
    }
    boolean numeric =
        on(enabled, DetectorKind.CARD)
            || on(enabled, DetectorKind.SSN)
            || on(enabled, DetectorKind.PHONE);
    // What the pass saw, one bit per word or shape: one test after it when it saw nothing.
    int seen = 0;
    while (i < n) {
      char c = text.charAt(i);
      int k = CLASS[c];
      if (k == DIGIT && (i + 1 == n || endsNumber(text.charAt(i + 1)))) {
        // A digit alone (hex, ids, counts) starts no number worth parsing, nor an IBAN.
        i = nextMarked(text, i + 1, n);
        continue;
      }
      if (k == RUN_OPEN && !(i + 1 < n && isDigit(text.charAt(i + 1)))) {
        i = nextMarked(text, i + 1, n);
        continue;
      }
      if (k != MARK) {
        // An IBAN starts with two capitals and two digits: look back from its first digit.
        if (k == DIGIT
            && i >= from + 2
            && i + 1 < n
            && isUpper(text.charAt(i - 1))
            && isUpper(text.charAt(i - 2))
            && isDigit(text.charAt(i + 1))) {
          seen |= IBAN_START;
        }
        int end = i + 1;
        while (k == DIGIT && end < n && isDigit(text.charAt(end))) {
          end++;
        }
        // Fewer than 8 digits that no separator joins to more cannot be a card, SSN or phone.
        if (numeric && (end - i >= 8 || k == RUN_OPEN || joinsDigits(text, end, n))) {
          end = digitRun(text, from, n, i, enabled, out);
        }
        i = nextMarked(text, end, n);
        continue;
      }
      // The rarest character of each word is the one looked at, so common letters cost nothing.
      switch (c) {
        case '@' -> seen |= AT;
        case '/' -> {
          if (i >= from + 1
              && text.charAt(i - 1) == ':'
              && i + 1 < n
              && text.charAt(i + 1) == '/') {
            seen |= SCHEME;
          }
        }
        case 'J' -> {
          if (i >= from + 2 && text.charAt(i - 2) == 'e' && text.charAt(i - 1) == 'y') {
            seen |= EYJ;
          }
        }
        // Each word is compared only when a neighbour already fits; these letters have no
        // non-ASCII case variants, so the ASCII fold loses nothing regionMatches would find.
        case 'b', 'B' -> {
          if (lowerAt(text, from, n, i + 1) == 'e' && asciiWordAt(text, n, i, "bearer")) {
            seen |= BEARER_WORD;
          }
          if (c == 'B' && i >= from + 5 && i + 5 <= n && text.startsWith("-----BEGIN", i - 5)) {
            seen |= PEM;
          }
        }
        case 'w', 'W' -> {
          // "password", "passwd" and "pwd" all have their 'w' after "pass" or "p".
          int before = lowerAt(text, from, n, i - 1);
          if ((before == 'p' && lowerAt(text, from, n, i + 1) == 'd')
              || (lowerAt(text, from, n, i - 4) == 'p'
                  && text.regionMatches(true, i - 4, "passw", 0, 5))) {
            seen |= PASS;
          }
          if (before == 'a' && i + 2 <= n && text.regionMatches(true, i - 1, "aws", 0, 3)) {
            seen |= AWS_WORD;
          }
        }
        case 'c', 'C' -> {
          if (lowerAt(text, from, n, i - 1) == 'e'
              && i >= from + 2
              && i + 4 <= n
              && text.regionMatches(true, i - 2, "secret", 0, 6)) {
            seen |= AWS_WORD;
          }
        }
        case 'A' -> {
          if (i + 3 < n && isAwsPrefix(text, i)) {
            seen |= AWS_PREFIX;
          }
        }
        default -> {}
      }
      i = nextMarked(text, i + 1, n);
    }
    boolean longEnough = n - from >= MIN_CONTEXT_READ;
    if (seen == 0 && !(longEnough && context != null)) {
      return;
    }
    boolean at = (seen & AT) != 0;
    String part = null;
    if ((seen & PEM) != 0 && on(enabled, DetectorKind.PRIVATE_KEY)) {
      // The rarer detectors scan the part as a string of its own; offsets are shifted back.
      part = part(text, from, n);
      privateKeys(part, from, out);
    }
    if ((seen & SCHEME) != 0 && at && on(enabled, DetectorKind.URL_PASSWORD)) {
      part = part != null ? part : part(text, from, n);
      urlPasswords(part, from, out);
    }
    if ((seen & PASS) != 0 && on(enabled, DetectorKind.CONN_PASSWORD)) {
      Matcher m = CONN_PASSWORD.matcher(text).region(from, n);
      while (m.find()) {
        int g = m.start(1) >= 0 ? 1 : m.start(2) >= 0 ? 2 : 3;
        out.add(m.start(g), m.end(g), DetectorKind.CONN_PASSWORD);
      }
    }
    if ((seen & EYJ) != 0 && on(enabled, DetectorKind.JWT)) {
      Matcher m = JWT.matcher(text).region(from, n);
      while (m.find()) {
        out.add(m.start(), m.end(), DetectorKind.JWT);
      }
    }
    if ((seen & BEARER_WORD) != 0 && on(enabled, DetectorKind.BEARER)) {
      Matcher m = BEARER.matcher(text).region(from, n);
      while (m.find()) {
        out.add(m.start(1), m.end(1), DetectorKind.BEARER);
      }
    }
    if ((seen & AWS_PREFIX) != 0 && on(enabled, DetectorKind.AWS_KEY_ID)) {
      Matcher m = AWS_KEY_ID.matcher(text).region(from, n);
      while (m.find()) {
        out.add(m.start(), m.end(), DetectorKind.AWS_KEY_ID);
      }
    }
    if (longEnough && on(enabled, DetectorKind.AWS_SECRET)) {
      awsSecrets(text, from, n, context, (seen & AWS_WORD) != 0, out);
    }
    if ((seen & IBAN_START) != 0
        && on(enabled, DetectorKind.IBAN)
        && countDigits(text, from, n) >= 4) {
      part = part != null ? part : part(text, from, n);
      ibans(part, from, out);
    }
    if (at && on(enabled, DetectorKind.EMAIL)) {
      part = part != null ? part : part(text, from, n);
      emails(part, from, out);
    }
  }

  /**
   * Whether {@code [from, to)} is lower-case hex digits and single dashes (trace ids, UUIDs, hex
   * digests) with fewer than 8 digits before its first letter: such a text has no match. Its
   * letters a-f start no word or shape, and the upper case that AWS key ids, IBANs and AWS secrets
   * need is absent, so only a number could match, and every number needs 8 digits and no word
   * character before it: a number after a letter, or after a dash that follows a hex character, is
   * glued to a word, and the one at the start ends at the first letter.
   */
  static boolean isPlainHexId(String text, int from, int to) {
    int leadingDigits = 0;
    boolean letter = false;
    boolean dash = false;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        leadingDigits += letter ? 0 : 1;
        dash = false;
      } else if (c >= 'a' && c <= 'f') {
        letter = true;
        dash = false;
      } else if (c == '-' && !dash) {
        dash = true; // a second dash in a row would let a number after it stand alone
      } else {
        return false;
      }
    }
    return leadingDigits < 8;
  }

  private static String part(String text, int from, int to) {
    return from == 0 && to == text.length() ? text : text.substring(from, to);
  }

  // What the first pass looks at: digits (and '+', '(' before one) start a number; the rest are
  // the rarest characters of the words and shapes the detectors need. Everything else is NONE.
  private static final byte NONE = 0;
  private static final byte DIGIT = 1;
  private static final byte RUN_OPEN = 2;
  private static final byte MARK = 3;
  private static final byte[] CLASS = new byte[128];

  // What the pass saw: bits of its "seen" set.
  private static final int AT = 1;
  private static final int SCHEME = 2;
  private static final int EYJ = 4;
  private static final int PEM = 8;
  private static final int AWS_PREFIX = 16;
  private static final int BEARER_WORD = 32;
  private static final int PASS = 64;
  private static final int AWS_WORD = 128;
  private static final int IBAN_START = 256;

  static {
    for (char c = '0'; c <= '9'; c++) {
      CLASS[c] = DIGIT;
    }
    CLASS['+'] = RUN_OPEN;
    CLASS['('] = RUN_OPEN;
    for (char c : "@/JbBwWcCA".toCharArray()) {
      CLASS[c] = MARK;
    }
  }

  /** The first position from {@code i} whose character is not NONE, or {@code n}. */
  private static int nextMarked(String text, int i, int n) {
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c < 128 && CLASS[c] != NONE) {
        return i;
      }
    }
    return n;
  }

  /** Neither a digit nor a separator: the number before it ends there. */
  private static boolean endsNumber(char c) {
    return !isDigit(c) && sepBit(c) == 0;
  }

  private static int countDigits(String text, int from, int to) {
    int digits = 0;
    for (int i = from; i < to; i++) {
      digits += isDigit(text.charAt(i)) ? 1 : 0;
    }
    return digits;
  }

  /**
   * Whether {@code text} has the lower-case ASCII {@code word} at {@code i} in any letter case; the
   * same as {@code regionMatches(true, …)} for words without i, k or s (the only ASCII letters
   * other characters fold to). The word must end before {@code to}.
   */
  private static boolean asciiWordAt(String text, int to, int i, String word) {
    if (i < 0 || i + word.length() > to) {
      return false;
    }
    for (int j = 0; j < word.length(); j++) {
      if ((text.charAt(i + j) | 0x20) != word.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The character at {@code i} with ASCII letters in lower case, or 0 outside {@code [from, to)}.
   */
  private static int lowerAt(String text, int from, int to, int i) {
    return i >= from && i < to ? text.charAt(i) | 0x20 : 0;
  }

  /** Whether one or two separators at {@code j} join the digits before to a digit after. */
  private static boolean joinsDigits(String text, int j, int n) {
    if (j >= n || sepBit(text.charAt(j)) == 0) {
      return false;
    }
    if (j + 1 < n && isDigit(text.charAt(j + 1))) {
      return true;
    }
    return j + 2 < n && sepBit(text.charAt(j + 1)) != 0 && isDigit(text.charAt(j + 2));
  }

  private static boolean on(ActionSpec[] enabled, DetectorKind k) {
    return enabled[k.ordinal()] != null;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isAlnum(char c) {
    return isDigit(c) || isUpper(c) || (c >= 'a' && c <= 'z');
  }

  private static boolean isWordChar(char c) {
    return isAlnum(c) || c == '_' || Character.isLetter(c);
  }

  private static boolean isAwsPrefix(String s, int i) {
    char b = s.charAt(i + 1);
    char c = s.charAt(i + 2);
    char d = s.charAt(i + 3);
    return d == 'A'
        && ((b == 'K' && c == 'I')
            || (b == 'S' && c == 'I')
            || (b == 'I' && c == 'D')
            || (b == 'R' && c == 'O')
            || (b == 'I' && c == 'P')
            || (b == 'N' && (c == 'P' || c == 'V'))
            || (b == 'G' && c == 'P')
            || (b == 'B' && c == 'I')
            || (b == 'C' && c == 'C'));
  }

  // --- PEM private keys: the whole block, or to the end of a cut text.

  private static void privateKeys(String text, int base, Spans out) {
    int from = 0;
    while (true) {
      int begin = text.indexOf("-----BEGIN", from);
      if (begin < 0) {
        return;
      }
      int headerEnd = text.indexOf("-----", begin + 10);
      if (headerEnd < 0) {
        return;
      }
      String label = text.substring(begin + 10, headerEnd);
      if (!label.endsWith("PRIVATE KEY") || label.indexOf('\n') >= 0) {
        from = headerEnd + 5;
        continue;
      }
      int endMarker = text.indexOf("-----END", headerEnd + 5);
      int stop;
      if (endMarker < 0) {
        stop = text.length();
      } else {
        int close = text.indexOf("-----", endMarker + 8);
        stop = close < 0 ? text.length() : close + 5;
      }
      out.add(base + begin, base + stop, DetectorKind.PRIVATE_KEY);
      from = stop;
    }
  }

  // --- scheme://user:password@host

  private static void urlPasswords(String text, int base, Spans out) {
    int from = 0;
    while (true) {
      int sep = text.indexOf("://", from);
      if (sep < 0) {
        return;
      }
      int i = sep + 3;
      int colon = -1;
      int n = text.length();
      while (i < n) {
        char c = text.charAt(i);
        if (c == '@') {
          if (colon >= 0 && i > colon + 1) {
            out.add(base + colon + 1, base + i, DetectorKind.URL_PASSWORD);
          }
          break;
        }
        if (c == '/' || c == '?' || c == '#' || Character.isWhitespace(c) || c == '"') {
          break;
        }
        if (c == ':' && colon < 0) {
          colon = i;
        }
        i++;
      }
      from = sep + 3;
    }
  }

  // --- AWS secret access keys: 40 base64 characters with "aws"/"secret" as name or nearby.

  private static void awsSecrets(
      String text, int from, int to, CharSequence context, boolean awsWord, Spans out) {
    if (context != null && mentionsAws(context)) {
      // Under a name that says aws or secret, every secret-shaped 40-character run of the value is
      // one: alone, beside a note ("... (rotated)"), or after its key id ("AKIA...:secret").
      boolean found = false;
      Matcher m = BASE64_40.matcher(text).region(from, to);
      while (m.find()) {
        if (isSecretShaped(text, m.start(), m.end())) {
          out.add(m.start(), m.end(), DetectorKind.AWS_SECRET);
          found = true;
        }
      }
      if (found) {
        return;
      }
    }
    if (!awsWord) {
      return;
    }
    Matcher kv = AWS_SECRET_KV.matcher(text).region(from, to);
    while (kv.find()) {
      out.add(kv.start(1), kv.end(1), DetectorKind.AWS_SECRET);
    }
    Matcher m = BASE64_40.matcher(text).region(from, to);
    while (m.find()) {
      if (isSecretShaped(text, m.start(), m.end())
          && mentionsAws(text.substring(Math.max(from, m.start() - AWS_CONTEXT), m.start()))) {
        out.add(m.start(), m.end(), DetectorKind.AWS_SECRET);
      }
    }
  }

  /** Whether "aws" or "secret" is in {@code s}, in any case; reads a member context in place. */
  private static boolean mentionsAws(CharSequence s) {
    for (int i = 0; i + 3 <= s.length(); i++) {
      char c = s.charAt(i);
      int lower = c | 0x20;
      if (c < 128 && lower != 'a' && lower != 's') {
        continue; // no other ASCII character starts either word in any case
      }
      if (wordAt(s, i, "aws") || wordAt(s, i, "secret")) {
        return true;
      }
    }
    return false;
  }

  /** {@code regionMatches(true, i, word, 0, word.length())} for a lower-case {@code word}. */
  private static boolean wordAt(CharSequence s, int i, String word) {
    if (i + word.length() > s.length()) {
      return false;
    }
    for (int j = 0; j < word.length(); j++) {
      char c = s.charAt(i + j);
      char w = word.charAt(j);
      // An ASCII character folds to the lower-case letter w only from w or its upper case.
      if (c < 128 ? (c | 0x20) != w : Character.toLowerCase(Character.toUpperCase(c)) != w) {
        return false;
      }
    }
    return true;
  }

  /** Mixed case and a digit or symbol: rules out hex digests and plain words. */
  private static boolean isSecretShaped(String s, int from, int to) {
    boolean upper = false;
    boolean lower = false;
    boolean other = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (isUpper(c)) {
        upper = true;
      } else if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (isDigit(c) || c == '/' || c == '+') {
        other = true;
      } else {
        return false;
      }
    }
    return upper && lower && other;
  }

  // --- cards, SSNs, phones: one scan over runs of digits joined by single separators.

  /**
   * Parses the number starting at {@code i} (a digit, or {@code +}/{@code (} before one): digits
   * joined by up to two separator characters. Adds it as a card, SSN or phone when it is one, and
   * returns where the number ends.
   */
  private static int digitRun(
      String text, int from, int n, int i, ActionSpec[] enabled, Spans out) {
    // Numbers are parsed where the pass meets them, in the scratch that comes with the spans.
    char[] digitBuf = out.digits;
    int[] groups = out.groups;
    char c = text.charAt(i);
    boolean plus = c == '+';
    boolean paren = c == '(';
    int start = i;
    int j = plus || paren ? i + 1 : i;
    int ngroups = 0;
    int digits = 0;
    int seps = 0; // bit set: 1 space, 2 dash, 4 dot, 8 paren
    boolean overflow = false;
    int groupLen = 0;
    while (j < n) {
      char d = text.charAt(j);
      if (isDigit(d)) {
        if (digits < digitBuf.length) {
          digitBuf[digits] = d;
        } else {
          overflow = true;
        }
        digits++;
        groupLen++;
        j++;
        continue;
      }
      // Up to two separator characters, e.g. ") " in "(415) 555-2671", then a digit.
      int k = j;
      int sepBits = 0;
      while (k < n && k - j < 2 && sepBit(text.charAt(k)) != 0) {
        sepBits |= sepBit(text.charAt(k));
        k++;
      }
      if (k > j && k < n && isDigit(text.charAt(k)) && ngroups < groups.length - 1) {
        groups[ngroups++] = groupLen;
        groupLen = 0;
        seps |= sepBits;
        j = k;
      } else {
        break;
      }
    }
    groups[ngroups++] = groupLen;
    int end = j;
    // Every kind needs at least 8 digits: shorter numbers (dates, counts, ids) stop here.
    if (digits >= 8
        && !overflow
        && boundaryBefore(text, from, start)
        && boundaryAfter(text, end, n)) {
      DetectorKind kind = classify(plus, paren, digitBuf, digits, groups, ngroups, seps, enabled);
      if (kind != null) {
        out.add(start, end, kind);
      }
    }
    return Math.max(end, i + 1);
  }

  private static int sepBit(char c) {
    return c < 128 ? SEP_BITS[c] : 0;
  }

  // Separators inside a number, as bits: 1 space, 2 dash, 4 dot, 8 parenthesis.
  private static final byte[] SEP_BITS = new byte[128];

  static {
    SEP_BITS[' '] = 1;
    SEP_BITS['-'] = 2;
    SEP_BITS['.'] = 4;
    SEP_BITS['('] = 8;
    SEP_BITS[')'] = 8;
  }

  /** Not glued to a word or to an id like {@code ORD-4111...} or {@code v1.2}. */
  private static boolean boundaryBefore(String text, int from, int start) {
    if (start == from) {
      return true;
    }
    char p = text.charAt(start - 1);
    if (isWordChar(p)) {
      return false;
    }
    if ((p == '-' || p == '.' || p == '/')
        && start >= from + 2
        && isWordChar(text.charAt(start - 2))) {
      return false;
    }
    return true;
  }

  private static boolean boundaryAfter(String text, int end, int to) {
    if (end >= to) {
      return true;
    }
    char c = text.charAt(end);
    if (isWordChar(c)) {
      return false;
    }
    return !((c == '-' || c == '.') && end + 1 < to && isWordChar(text.charAt(end + 1)));
  }

  private static DetectorKind classify(
      boolean plus,
      boolean paren,
      char[] d,
      int digits,
      int[] groups,
      int ngroups,
      int seps,
      ActionSpec[] enabled) {
    if (on(enabled, DetectorKind.CARD) && isCard(plus, paren, d, digits, groups, ngroups, seps)) {
      return DetectorKind.CARD;
    }
    if (on(enabled, DetectorKind.SSN) && isSsn(plus, paren, d, groups, ngroups, seps)) {
      return DetectorKind.SSN;
    }
    if (on(enabled, DetectorKind.PHONE) && isPhone(plus, paren, d, digits, groups, ngroups, seps)) {
      return DetectorKind.PHONE;
    }
    return null;
  }

  static boolean isCard(
      boolean plus, boolean paren, char[] d, int digits, int[] groups, int ngroups, int seps) {
    if (plus || paren || digits < 13 || digits > 19) {
      return false;
    }
    if (seps != 0 && seps != 1 && seps != 2) {
      return false;
    }
    if (ngroups > 1) {
      for (int g = 0; g < ngroups; g++) {
        if (groups[g] < 3) {
          return false;
        }
      }
    }
    if (d[0] < '2' || d[0] > '6') {
      return false;
    }
    boolean same = true;
    for (int i = 1; i < digits; i++) {
      same &= d[i] == d[0];
    }
    return !same && luhn(d, digits);
  }

  static boolean luhn(char[] d, int len) {
    int sum = 0;
    boolean dbl = false;
    for (int i = len - 1; i >= 0; i--) {
      int v = d[i] - '0';
      if (dbl) {
        v *= 2;
        if (v > 9) {
          v -= 9;
        }
      }
      sum += v;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  private static boolean isSsn(
      boolean plus, boolean paren, char[] d, int[] groups, int ngroups, int seps) {
    if (plus || paren || ngroups != 3 || (seps != 1 && seps != 2)) {
      return false;
    }
    if (groups[0] != 3 || groups[1] != 2 || groups[2] != 4) {
      return false;
    }
    int area = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
    int group = (d[3] - '0') * 10 + (d[4] - '0');
    int serial = (d[5] - '0') * 1000 + (d[6] - '0') * 100 + (d[7] - '0') * 10 + (d[8] - '0');
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
      return false;
    }
    String all = new String(d, 0, 9);
    // Numbers published in advertising and documentation, never issued to a person.
    return !all.equals("078051120") && !all.equals("219099999");
  }

  private static boolean isPhone(
      boolean plus, boolean paren, char[] d, int digits, int[] groups, int ngroups, int seps) {
    if (plus) {
      return d[0] != '0' && digits >= 8 && digits <= 15;
    }
    if (ngroups < 2) {
      return false; // a bare run of digits is an id or a timestamp far more often than a phone
    }
    if (digits == 10 && ngroups == 3 && groups[0] == 3 && groups[1] == 3 && groups[2] == 4) {
      // North American: (415) 555-2671, 415-555-2671, 415.555.2671, 415 555 2671
      boolean styled = paren ? (seps & 8) != 0 : (seps == 1 || seps == 2 || seps == 4);
      return styled && d[0] >= '2' && d[3] >= '2';
    }
    // National trunk-prefixed numbers: 020 7946 0958, 07700 900123, 030-1234567.
    return !paren
        && d[0] == '0'
        && d[1] != '0'
        && digits >= 10
        && digits <= 11
        && (seps == 1 || seps == 2);
  }

  // --- IBAN: country code, check digits, country-specific length, mod-97 == 1.

  private static void ibans(String text, int base, Spans out) {
    int n = text.length();
    for (int i = 0; i + 4 <= n; i++) {
      if (!(isUpper(text.charAt(i))
          && isUpper(text.charAt(i + 1))
          && isDigit(text.charAt(i + 2))
          && isDigit(text.charAt(i + 3)))) {
        continue;
      }
      if (i > 0 && isAlnum(text.charAt(i - 1))) {
        continue;
      }
      Integer len = IBAN_LENGTHS.get(text.substring(i, i + 2));
      if (len == null) {
        continue;
      }
      char[] buf = new char[len];
      int got = 0;
      int j = i;
      while (j < n && got < len) {
        char c = text.charAt(j);
        if (isDigit(c) || isUpper(c)) {
          buf[got++] = c;
          j++;
        } else if (c == ' ' && got > 0 && j + 1 < n && isAlnum(text.charAt(j + 1))) {
          j++;
        } else {
          break;
        }
      }
      if (got == len && (j >= n || !isAlnum(text.charAt(j))) && mod97(buf)) {
        out.add(base + i, base + j, DetectorKind.IBAN);
        i = j;
      }
    }
  }

  static boolean mod97(char[] iban) {
    int rem = 0;
    int n = iban.length;
    for (int k = 0; k < n; k++) {
      char c = iban[(k + 4) % n];
      if (isDigit(c)) {
        rem = (rem * 10 + (c - '0')) % 97;
      } else if (isUpper(c)) {
        rem = (rem * 100 + (c - 'A' + 10)) % 97;
      } else {
        return false;
      }
    }
    return rem == 1;
  }

  // --- e-mail: expand around each '@'.

  private static void emails(String text, int base, Spans out) {
    int n = text.length();
    int at = text.indexOf('@');
    while (at >= 0) {
      int s = at;
      while (s > 0 && isLocalChar(text.charAt(s - 1))) {
        s--;
      }
      while (s < at && text.charAt(s) == '.') {
        s++;
      }
      int e = at + 1;
      int lastDot = -1;
      while (e < n) {
        char c = text.charAt(e);
        if (isAlnum(c) || c == '-') {
          e++;
        } else if (c == '.' && e + 1 < n && isAlnum(text.charAt(e + 1)) && e > at + 1) {
          lastDot = e;
          e++;
        } else {
          break;
        }
      }
      if (s < at && lastDot > 0 && isTld(text, lastDot + 1, e) && !inUrlUserinfo(text, s)) {
        out.add(base + s, base + e, DetectorKind.EMAIL);
      }
      at = text.indexOf('@', Math.max(e, at + 1));
    }
  }

  /** {@code scheme://user:pass@host}: the url-password detector owns that part. */
  private static boolean inUrlUserinfo(String text, int localStart) {
    if (localStart == 0 || text.charAt(localStart - 1) != ':') {
      return false;
    }
    for (int i = localStart - 1; i >= 2 && !Character.isWhitespace(text.charAt(i)); i--) {
      if (text.charAt(i) == '/' && text.charAt(i - 1) == '/' && text.charAt(i - 2) == ':') {
        return true;
      }
    }
    return false;
  }

  private static boolean isLocalChar(char c) {
    return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  }

  private static boolean isTld(String text, int from, int to) {
    if (to - from < 2) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z') || isUpper(c))) {
        return false;
      }
    }
    // "icon@2x.png" is a file name, not an address. The TLD is ASCII letters (checked above).
    for (String file : FILE_EXTENSIONS) {
      if (file.length() == to - from && text.regionMatches(true, from, file, 0, file.length())) {
        return false;
      }
    }
    return true;
  }

  private static final String[] FILE_EXTENSIONS = {
    "png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js"
  };
}
