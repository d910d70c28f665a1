package io.jouletrace.core.hash;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SHA-256 and HMAC-SHA-256 from the JDK: every Java SE platform must provide both ({@link MessageDigest} and {@link Mac}
 * javadoc), so the checked "no such algorithm" is turned into an error here, once; digests are written in lower-case hex.
 */
public final class Sha256 {

  private static final HexFormat HEX = HexFormat.of();

  private Sha256() {}

  /** A fresh SHA-256 digest, to feed in parts. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** A fresh HMAC-SHA-256 keyed with {@code key}. */
  public static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  public static byte[] of(byte[] bytes) {
    return digest().digest(bytes);
  }

  /** The SHA-256 of {@code bytes}, in hex. */
  public static String hexDigest(byte[] bytes) {
    return hex(of(bytes));
  }

  /** The SHA-256 of {@code text}'s UTF-8 bytes, in hex. */
  public static String hexDigest(String text) {
    return hexDigest(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code digest} (a SHA-256 or HMAC result) in lower-case hex. */
  public static String hex(byte[] digest) {
    return HEX.formatHex(digest);
  }
}
