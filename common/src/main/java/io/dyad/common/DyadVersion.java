package io.dyad.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of Dyad this code was built as (from the build). */
public final class DyadVersion {
  private static final String VERSION = load();

  private DyadVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = DyadVersion.class.getResourceAsStream("/io/dyad/common/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
