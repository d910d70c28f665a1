package io.jouletrace.core.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Known answers: FIPS 180-4's "abc" example and RFC 4231's test case 2. */
class Sha256Test {

  @Test
  void digests_match_the_published_known_answers() {
    assertThat(Sha256.hexDigest("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Sha256.hex(Sha256.hmac("Jefe".getBytes(StandardCharsets.UTF_8))
        .doFinal("what do ya want for nothing?".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}
