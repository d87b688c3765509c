package io.dyad.directory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dyad.common.DyadException;
import io.dyad.common.ErrorCode;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based fuzzing of path parsing (jqwik, a fixed budget in every build): any string is either a path that
 * keeps every rule and prints back as given (never normalised), or refused with InvalidArgument — nothing else.
 */
class FsPathPropertiesTest {
  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> component = Arbitraries.oneOf(
        Arbitraries.strings().all().ofMinLength(0).ofMaxLength(8),
        Arbitraries.of(".", "..", "", "a", "\u0000", "é", "𝄞", "x".repeat(255), "x".repeat(256), "é".repeat(128)));
    return Arbitraries.oneOf(
        component.list().ofMaxSize(6).map(parts -> "/" + String.join("/", parts)),
        component.list().ofMaxSize(6).map(parts -> String.join("/", parts)),
        Arbitraries.strings().all().ofMaxLength(64),
        Arbitraries.of("/", "//", "/a/", "/a//b", "/./a", "/a/..", "/" + "a/".repeat(2100)));
  }

  @Property
  void aPathIsAcceptedWithEveryRuleKeptOrRefusedAsInvalid(@ForAll("paths") String s) {
    FsPath p;
    try {
      p = FsPath.of(s);
    } catch (DyadException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      return;
    }
    assertThat(p.toString()).as("never normalised").isEqualTo(s);
    assertThat(s.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FsPath.MAX_PATH_BYTES);
    for (String c : p.components()) {
      assertThat(c).isNotIn("", ".", "..").doesNotContain("/").doesNotContain("\u0000");
      assertThat(c.getBytes(StandardCharsets.UTF_8).length).isBetween(1, FsPath.MAX_COMPONENT_BYTES);
    }
  }
}
