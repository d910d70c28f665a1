package io.jouletrace.core.record;

import java.util.Locale;

/**
 * What kind of AI call a record is, following the OpenTelemetry GenAI {@code gen_ai.operation.name}
 * values. Unknown names are kept verbatim in {@link #code()} so nothing is silently re-labelled.
 */
public record Operation(String code) {

  public static final Operation CHAT = new Operation("chat");
  public static final Operation TEXT_COMPLETION = new Operation("text_completion");
  public static final Operation GENERATE_CONTENT = new Operation("generate_content");
  public static final Operation EMBEDDINGS = new Operation("embeddings");
  // jouletrace's own names for the AI Energy Score's other tasks (OpenTelemetry names none of them).
  public static final Operation SUMMARIZATION = new Operation("summarization");
  /** Extractive question answering: an answer span picked from a given text. */
  public static final Operation QUESTION_ANSWERING = new Operation("question_answering");
  public static final Operation TEXT_CLASSIFICATION = new Operation("text_classification");
  public static final Operation IMAGE_GENERATION = new Operation("image_generation");
  public static final Operation IMAGE_CAPTIONING = new Operation("image_captioning");
  public static final Operation IMAGE_CLASSIFICATION = new Operation("image_classification");
  public static final Operation OBJECT_DETECTION = new Operation("object_detection");
  public static final Operation SPEECH_RECOGNITION = new Operation("speech_recognition");

  public Operation {
    if (code == null || code.isBlank()) {
      throw new IllegalArgumentException("operation must not be blank");
    }
    code = code.strip().toLowerCase(Locale.ROOT);
  }

  public static Operation of(String code) {
    return new Operation(code);
  }

  /** Calls that generate text token by token, which the LLM-inference methods model. */
  public boolean isTextGeneration() {
    return equals(CHAT) || equals(TEXT_COMPLETION) || equals(GENERATE_CONTENT);
  }

  @Override
  public String toString() {
    return code;
  }
}
