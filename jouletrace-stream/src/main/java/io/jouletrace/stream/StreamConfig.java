package io.jouletrace.stream;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code --config FILE} of the {@code stream} commands (docs/scale-out.md): a Java properties file with
 * {@code topic.NAME=TOPIC} for any of the ten topics ({@link Topics#byName}) and {@code application.id=ID}.
 *
 * @param applicationId null when the file does not set it
 */
public record StreamConfig(Topics topics, String applicationId) {

  static final String TOPIC_PREFIX = "topic.";
  static final String APPLICATION_ID = "application.id";

  /** The default topics and no application id. */
  public static StreamConfig defaults() {
    return new StreamConfig(Topics.defaults(), null);
  }

  /** Reads {@code file}; an unknown key or topic is an error naming the file and the key. */
  public static StreamConfig load(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    Map<String, String> topics = new LinkedHashMap<>();
    String applicationId = null;
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key);
      if (key.equals(APPLICATION_ID)) {
        if (value.isBlank()) throw new IllegalArgumentException(file + ": " + key + ": empty");
        applicationId = value.strip();
      } else if (key.startsWith(TOPIC_PREFIX)) {
        String name = key.substring(TOPIC_PREFIX.length());
        if (!Topics.defaults().byName().containsKey(name)) {
          throw new IllegalArgumentException(file + ": " + key + ": no such topic (expected " + TOPIC_PREFIX + "NAME with NAME one of "
              + String.join(", ", Topics.defaults().byName().keySet()) + ")");
        }
        if (value.isBlank()) throw new IllegalArgumentException(file + ": " + key + ": empty topic name");
        topics.put(name, value.strip());
      } else {
        throw new IllegalArgumentException(file + ": unknown key '" + key + "' (expected " + TOPIC_PREFIX + "NAME or " + APPLICATION_ID + ")");
      }
    }
    return new StreamConfig(Topics.defaults().renamed(topics), applicationId);
  }
}
