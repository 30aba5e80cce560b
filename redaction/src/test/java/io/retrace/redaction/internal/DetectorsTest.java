package io.retrace.redaction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DetectorsTest {
  private static final ActionSpec[] ALL_ON = new ActionSpec[DetectorKind.all().length];

  static {
    for (DetectorKind k : DetectorKind.all()) {
      ALL_ON[k.ordinal()] = k.defaultAction();
    }
  }

  /** The matched substrings and their kinds, e.g. {@code card:4111 1111 1111 1111}. */
  private static List<String> found(String text, String context) {
    Spans spans = new Spans();
    Detectors.scan(text, context, ALL_ON, spans);
    spans.normalize();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < spans.size(); i++) {
      out.add(spans.kind(i).id() + ":" + text.substring(spans.start(i), spans.end(i)));
    }
    return out;
  }

  private static List<String> found(String text) {
    return found(text, null);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5500 0000 0000 0004",
        "3782 822463 10005",
        "6011000990139424"
      })
  void cardNumbersThatPassLuhnAreFound(String card) {
    assertThat(found("paid with " + card + ", thanks")).containsExactly("card:" + card);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4111111111111112", // fails Luhn
        "1732780530123456", // a micros timestamp: no card starts with 1
        "4444444444444444", // one digit repeated
        "4111 1111 1111 11112 22", // more than 19 digits in one run
        "ORD-4111111111111111", // part of an id
        "4111.1111.1111.1111" // dots are versions and amounts, not cards
      })
  void numbersThatAreNotCardsAreLeftAlone(String text) {
    assertThat(found(text)).noneMatch(s -> s.startsWith("card:"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"123-45-6789", "536 22 1234", "772-01-0001"})
  void validSsnsAreFound(String ssn) {
    assertThat(found("ssn " + ssn + ".")).containsExactly("ssn:" + ssn);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "000-12-3456", // area 000
        "666-12-3456", // area 666
        "912-12-3456", // area 9xx
        "123-00-4567", // group 00
        "123-45-0000", // serial 0000
        "078-05-1120", // the Woolworth wallet number
        "123456789", // no separators: too often an id
        "123-456-789" // wrong grouping
      })
  void invalidSsnsAreNotFound(String text) {
    assertThat(found(text)).noneMatch(s -> s.startsWith("ssn:"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NO9386011117947"
      })
  void ibansWithAValidChecksumAreFound(String iban) {
    assertThat(found("pay to " + iban + " today")).containsExactly("iban:" + iban);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DE89 3704 0044 0532 0130 01", // checksum fails
        "DE89370400440532013", // too short for DE
        "ZZ89370400440532013000", // no such country
        "XDE89370400440532013000" // glued to a word
      })
  void ibanLookalikesAreNotFound(String text) {
    assertThat(found(text)).noneMatch(s -> s.startsWith("iban:"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "+1 415 555 2671",
        "+14155552671",
        "+44 20 7946 0958",
        "(415) 555-2671",
        "415-555-2671",
        "415.555.2671",
        "020 7946 0958",
        "07700 900123"
      })
  void phoneNumbersAreFound(String phone) {
    assertThat(found("call " + phone + " now")).containsExactly("phone:" + phone);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "order 4155552671 shipped", // bare digits: an id
        "ts=1732780530123", // a timestamp
        "ORD-2026-000123", // an order id
        "2026-11-28 10:15:30", // a date and time
        "version 10.2.3.4567", // a version
        "115-555-2671", // area codes do not start with 1
        "192.168.100.200" // an IP address
      })
  void numbersThatAreNotPhonesAreLeftAlone(String text) {
    assertThat(found(text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jane.doe@example.com", "a+tag@mail.example.co.uk", "x_y@sub-d.io"})
  void emailsAreFound(String email) {
    assertThat(found("from <" + email + ">")).containsExactly("email:" + email);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "@Override public void run()",
        "user@localhost",
        "logo@2x.png",
        "git@ is not an address",
        "a@b"
      })
  void emailLookalikesAreLeftAlone(String text) {
    assertThat(found(text)).isEmpty();
  }

  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

  @ParameterizedTest
  @ValueSource(strings = {"token " + JWT + " end", "{\"t\":\"" + JWT + "\"}"})
  void jwtsAreFound(String text) {
    assertThat(found(text)).containsExactly("jwt:" + JWT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eyJhbGciOiJIUzI1NiJ9 alone", "keyJar.eyJava.x", "eyJ.eyJ.x"})
  void jwtLookalikesAreLeftAlone(String text) {
    assertThat(found(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Authorization: Bearer abcDEF123456789.xyz|abcDEF123456789.xyz",
        "bearer mF_9.B5f-4.1JqM|mF_9.B5f-4.1JqM"
      })
  void bearerTokensAreFound(String text, String token) {
    assertThat(found(text)).containsExactly("bearer:" + token);
  }

  @ParameterizedTest
  @ValueSource(strings = {"the bearer of bad news", "Bearer short", "cupbearer abcdefghijkl"})
  void bearerLookalikesAreLeftAlone(String text) {
    assertThat(found(text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A"})
  void awsAccessKeyIdsAreFound(String id) {
    assertThat(found("key " + id + " used")).containsExactly("aws-key-id:" + id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AKIAIOSFODNN7EXAMPL", "XAKIAIOSFODNN7EXAMPLE", "AKIAiosfodnn7example"})
  void awsKeyIdLookalikesAreLeftAlone(String text) {
    assertThat(found(text)).isEmpty();
  }

  private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "aws_secret_access_key=" + AWS_SECRET,
        "{\"SecretAccessKey\": \"" + AWS_SECRET + "\"}",
        "the aws credentials are " + AWS_SECRET + " for prod"
      })
  void awsSecretKeysNearTheirNameAreFound(String text) {
    assertThat(found(text)).containsExactly("aws-secret:" + AWS_SECRET);
  }

  @org.junit.jupiter.api.Test
  void aBareAwsSecretIsFoundWhenItsFieldNameSaysSo() {
    assertThat(found(AWS_SECRET, "awsSecretKey")).containsExactly("aws-secret:" + AWS_SECRET);
    assertThat(found(AWS_SECRET, "description")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "commit da39a3ee5e6b4b0d3255bfef95601890afd80709 by aws-bot", // a hex digest
        "secret " + "abcdefghijklmnopqrstuvwxyzabcdefghijklmn" // one case, no digit
      })
  void awsSecretLookalikesAreLeftAlone(String text) {
    assertThat(found(text)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void privateKeyBlocksAreFoundWholeEvenWhenCut() {
    String key =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----";
    assertThat(found("cfg:\n" + key + "\nrest")).containsExactly("private-key:" + key);
    String cut = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
    assertThat(found("x " + cut)).containsExactly("private-key:" + cut);
  }

  @org.junit.jupiter.api.Test
  void publicKeysAndCertificatesAreLeftAlone() {
    assertThat(found("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----"))
        .isEmpty();
    assertThat(found("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "postgres://app:s3cr3t!@db.internal:5432/orders|s3cr3t!",
        "jdbc:mysql://root:hunter2@10.0.0.5/shop|hunter2",
        "see https://bob:pa55@example.com/x|pa55"
      })
  void passwordsInUrlsAreFound(String text, String password) {
    assertThat(found(text)).containsExactly("url-password:" + password);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.com/users/@bob",
        "https://bob@example.com/x",
        "mailto:a@example.com is not a URL with a password"
      })
  void urlsWithoutPasswordsKeepTheirUserinfo(String text) {
    assertThat(found(text)).noneMatch(s -> s.startsWith("url-password:"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Server=db;Database=x;User Id=sa;Password=Tr0ub4dor&3;|Tr0ub4dor&3",
        "host=db user=app password=hunter2 dbname=x|hunter2",
        "Data Source=x;Pwd='my pass';|my pass",
        "jdbc:postgresql://db/x?user=app&password=s3cret|s3cret"
      })
  void passwordsInConnectionStringsAreFound(String text, String password) {
    assertThat(found(text)).containsExactly("conn-password:" + password);
  }

  @ParameterizedTest
  @ValueSource(strings = {"forgot your password? reset it", "passport=X1234567", "pwdless login"})
  void passwordWordsWithoutValuesAreLeftAlone(String text) {
    assertThat(found(text)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void plainTextHasNoMatches() {
    assertThat(
            found(
                "{\"orderId\":\"o-1234\",\"items\":[{\"sku\":\"A-17\",\"qty\":2}],"
                    + "\"total\":129.95,\"createdAt\":\"2026-11-28T10:15:30Z\"}"))
        .isEmpty();
  }

  @org.junit.jupiter.api.Test
  void numbersAmongHexIdsAndShortNumbersAreStillFoundWhereTheyStand() {
    // The pass skips lone digits and short numbers cheaply; what sits next to them still counts.
    String text =
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 id 5f0c6a3e-8d2b-4c1a-9e57"
            + " qty 3 card 4111 1111 1111 1111, call 415-555-2671, ssn 123-45-6789;"
            + " IBAN GB82 WEST 1234 5698 7654 32 at 12:30";
    assertThat(found(text))
        .containsExactly(
            "card:4111 1111 1111 1111",
            "phone:415-555-2671",
            "ssn:123-45-6789",
            "iban:GB82 WEST 1234 5698 7654 32");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // Plain lower-case hex ids (trace ids, UUIDs, digests) are passed over whole.
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01|",
        "5f0c6a3e-8d2b-4c1a-9e57-1b2f3a4c5d6e|",
        "1234567-4bf92f3577b34da6|",
        "4bf92f35-4111111111111111-a6|", // glued to the id by its dash
        // Near misses of that shape are scanned as before.
        "4111111111111111|card:4111111111111111",
        "-4111111111111111|card:4111111111111111",
        "4bf92f3a--4111111111111111|card:4111111111111111",
        "4bf92f3a--536-22-1234|ssn:536-22-1234",
        "ACCA0123456789ABCDEF|aws-key-id:ACCA0123456789ABCDEF",
        "DE89370400440532013000|iban:DE89370400440532013000"
      })
  void hexIdsHaveNoMatchesButNumbersAndKeysThatStandAloneInThemAreFound(
      String text, String expected) {
    assertThat(found(text)).isEqualTo(expected == null ? List.of() : List.of(expected));
  }

  @ParameterizedTest
  @CsvSource({
    "5f0c6a3e-8d2b-4c1a-9e57-1b2f3a4c5d6e,true",
    "1234567-abc,true",
    "12345678-abc,false", // a number at the start may be long enough for a card
    "abc--123,false", // a number after two dashes stands alone
    "ABC-123,false", // upper case: AWS key ids and IBANs
    "abg-123,false"
  })
  void onlyLowerCaseHexWithSingleDashesAndAShortLeadingNumberIsAPlainHexId(
      String text, boolean plain) {
    assertThat(Detectors.isPlainHexId(text, 0, text.length())).isEqualTo(plain);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "db PassWord=s3cr3t; host=x|conn-password:s3cr3t",
        "PWD: hunter2|conn-password:hunter2",
        "Authorization: BEARER abcdefgh12345678|bearer:abcdefgh12345678",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            + "|aws-secret:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
      })
  void wordsAreFoundInAnyLetterCase(String text, String expected) {
    assertThat(found(text)).containsExactly(expected);
  }

  @org.junit.jupiter.api.Test
  void overlappingMatchesMergeIntoTheHigherPriorityKind() {
    Spans spans = new Spans();
    spans.add(10, 20, DetectorKind.EMAIL);
    spans.add(2, 12, DetectorKind.URL_PASSWORD);
    spans.add(30, 34, DetectorKind.PHONE);
    spans.normalize();
    assertThat(spans.size()).isEqualTo(2);
    assertThat(List.of(spans.start(0), spans.end(0), spans.start(1), spans.end(1)))
        .containsExactly(2, 20, 30, 34);
    assertThat(spans.kind(0)).isEqualTo(DetectorKind.URL_PASSWORD);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4111111111111111",
        "paid with 4111 1111 1111 1111",
        "call +44 20 7946 0958 now",
        "ssn 123-45-6789",
        "jane.doe@example.com",
        "https://u:pw1@h.io/x",
        "db password=s3cr3t",
        "Bearer abcdefgh12345678",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
        "key AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "IBAN GB82 WEST 1234 5698 7654 32",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
      })
  void aPartOfATextIsScannedAsIfItWereTheWholeText(String value) {
    // Neighbours that would extend or block a match if they were looked at: digits, letters,
    // words that give context.
    String text = "9aws password=x1" + value + "7Z@example.com 4111";
    int from = 16;
    Spans spans = new Spans();
    Detectors.scan(text, from, from + value.length(), null, ALL_ON, spans);
    spans.normalize();
    List<String> inPlace = new ArrayList<>();
    for (int i = 0; i < spans.size(); i++) {
      inPlace.add(spans.kind(i).id() + ":" + text.substring(spans.start(i), spans.end(i)));
    }
    assertThat(inPlace).isEqualTo(found(value)).isNotEmpty();
  }
}
