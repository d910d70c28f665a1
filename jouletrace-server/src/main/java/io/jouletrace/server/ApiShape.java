package io.jouletrace.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpFields;

/**
 * What differs between the API shapes the gateway serves (docs/gateway.md): where an answer reports its tokens, how a
 * stream reports them, how the upstream is given the provider key and how a refusal reads. Everything else — routing,
 * budgets, relaying, recording — is the gateway's, the same for both.
 */
sealed interface ApiShape {

  /** OpenAI's {@code /v1/chat/completions}, {@code /v1/completions} and {@code /v1/embeddings}. */
  ApiShape OPENAI = new OpenAi();
  /** OpenAI's Responses API, {@code /v1/responses}. */
  ApiShape OPENAI_RESPONSES = new OpenAiResponses();
  /** Anthropic's {@code /v1/messages}. */
  ApiShape ANTHROPIC = new Anthropic();

  /**
   * The tokens of one call as its answer reports them, in the ledger's terms: input tokens include cached ones, output
   * tokens include reasoning ones.
   *
   * @param answerId the upstream's id of the answer, or null
   * @param model the model the upstream says it used, or null
   * @param outputTokens null when the usage has no output count (an embedding's never has one)
   */
  record Usage(String answerId, String model, Long outputTokens, Long inputTokens, Long cachedInputTokens, Long reasoningTokens) {}

  /** Readies a streamed request so that its stream reports usage at the end; APIs that report it unasked need nothing. */
  default void askForUsage(ObjectNode request) {}

  /** Whether the client's own request has its stream report usage (APIs that always report it: true). */
  default boolean usageAsked(ObjectNode request) {
    return true;
  }

  /** The usage a whole answer reports, or null when it reports none. */
  default Usage usage(ObjectNode answer) {
    JsonNode usage = answer.get("usage");
    return usage != null && usage.isObject() ? usage(text(answer.get("id")), text(answer.get("model")), usage) : null;
  }

  /** The figures of a {@code usage} object of answer {@code answerId} by {@code model}. */
  Usage usage(String answerId, String model, JsonNode usage);

  /** Puts the provider key on the upstream request; {@code authorization} is {@code Bearer KEY} (or the bare key). */
  void authorize(HttpFields.Mutable headers, String authorization);

  /** The body of the 429 refusing a call because gate budget {@code budget} is spent. */
  ObjectNode budgetRefusal(String message, String budget);

  /** Reads one call's event stream, event by event. */
  StreamReader streamReader();

  interface StreamReader {
    /** Takes one event's JSON; returns the call's usage when this is the event that reports it (it gains {@code eco}). */
    Usage read(ObjectNode event);

    /** For a stream that broke before its usage: the content events delivered as output tokens; null when none. */
    Usage delivered();
  }

  private static Long count(JsonNode node) {
    return node != null && node.canConvertToLong() ? node.asLong() : null;
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private static boolean nonEmptyText(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty();
  }

  final class OpenAi implements ApiShape {
    private OpenAi() {}

    @Override
    public void askForUsage(ObjectNode request) {
      request.withObjectProperty("stream_options").put("include_usage", true); // the client's other options stay
    }

    @Override
    public boolean usageAsked(ObjectNode request) {
      return request.path("stream_options").path("include_usage").asBoolean(false);
    }

    @Override
    public Usage usage(String answerId, String model, JsonNode usage) {
      return new Usage(answerId, model, count(usage.get("completion_tokens")),
          count(usage.get("prompt_tokens")), count(usage.path("prompt_tokens_details").get("cached_tokens")),
          count(usage.path("completion_tokens_details").get("reasoning_tokens")));
    }

    @Override
    public void authorize(HttpFields.Mutable headers, String authorization) {
      headers.put("Authorization", authorization);
    }

    @Override
    public ObjectNode budgetRefusal(String message, String budget) {
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.putObject("error").put("message", message).put("type", "budget_exceeded").put("code", "budget_exceeded").put("budget", budget);
      return body;
    }

    /** Usage comes on the final chunk ({@code choices: []}); every chunk before it names the answer and the model. */
    @Override
    public StreamReader streamReader() {
      return new StreamReader() {
        private ObjectNode lastChunk;
        private long contentChunks;

        @Override
        public Usage read(ObjectNode chunk) {
          lastChunk = chunk;
          Usage usage = usage(chunk);
          if (usage == null && hasContent(chunk)) contentChunks++;
          return usage;
        }

        @Override
        public Usage delivered() {
          if (contentChunks == 0) return null;
          return new Usage(text(lastChunk.get("id")), text(lastChunk.get("model")), contentChunks, null, null, null);
        }
      };
    }

    private static boolean hasContent(ObjectNode chunk) {
      for (JsonNode choice : chunk.path("choices")) {
        if (nonEmptyText(choice.path("delta").path("content")) || nonEmptyText(choice.path("text"))) return true;
      }
      return false;
    }
  }

  /**
   * OpenAI's Responses API: {@code usage.input_tokens} (with {@code input_tokens_details.cached_tokens}) and
   * {@code output_tokens} (with {@code output_tokens_details.reasoning_tokens}); a stream reports them unasked on
   * {@code response.completed}. Keys and refusals as OpenAI's other routes.
   */
  final class OpenAiResponses implements ApiShape {
    private OpenAiResponses() {}

    @Override
    public Usage usage(String answerId, String model, JsonNode usage) {
      return new Usage(answerId, model, count(usage.get("output_tokens")), count(usage.get("input_tokens")),
          count(usage.path("input_tokens_details").get("cached_tokens")), count(usage.path("output_tokens_details").get("reasoning_tokens")));
    }

    @Override
    public void authorize(HttpFields.Mutable headers, String authorization) {
      OPENAI.authorize(headers, authorization);
    }

    @Override
    public ObjectNode budgetRefusal(String message, String budget) {
      return OPENAI.budgetRefusal(message, budget);
    }

    /** {@code response.created} names the response and model; text deltas are content; {@code response.completed} has the usage. */
    @Override
    public StreamReader streamReader() {
      return new StreamReader() {
        private JsonNode response;
        private long contentDeltas;

        @Override
        public Usage read(ObjectNode event) {
          switch (event.path("type").asText()) {
            case "response.created" -> response = event.get("response");
            case "response.output_text.delta", "response.reasoning_summary_text.delta" -> contentDeltas++;
            case "response.completed" -> {
              if (event.get("response") instanceof ObjectNode completed) return usage(completed);
            }
            default -> { }
          }
          return null;
        }

        @Override
        public Usage delivered() {
          if (contentDeltas == 0) return null;
          return new Usage(response == null ? null : text(response.get("id")), response == null ? null : text(response.get("model")),
              contentDeltas, null, null, null);
        }
      };
    }
  }

  /**
   * Anthropic's usage (docs: {@code usage.py}, {@code message_delta_usage.py}): {@code input_tokens} leaves out the
   * cached ones, so the input is {@code input_tokens + cache_creation_input_tokens + cache_read_input_tokens};
   * {@code output_tokens} includes thinking tokens.
   */
  final class Anthropic implements ApiShape {
    private Anthropic() {}

    /** A Messages stream always reports usage unasked: {@code message_start} the input, {@code message_delta} the totals. */
    @Override
    public Usage usage(String answerId, String model, JsonNode usage) {
      return usage(answerId, model, usage, null);
    }

    /** {@code usage}'s figures, any it lacks taken from {@code earlier} (a stream's {@code message_start} usage). */
    private static Usage usage(String id, String model, JsonNode usage, JsonNode earlier) {
      Long input = field(usage, earlier, "input_tokens");
      Long cacheWrite = field(usage, earlier, "cache_creation_input_tokens");
      Long cacheRead = field(usage, earlier, "cache_read_input_tokens");
      Long totalInput = input == null ? null : input + (cacheWrite == null ? 0 : cacheWrite) + (cacheRead == null ? 0 : cacheRead);
      return new Usage(id, model, count(usage.get("output_tokens")), totalInput, cacheRead,
          count(usage.path("output_tokens_details").get("thinking_tokens")));
    }

    private static Long field(JsonNode usage, JsonNode earlier, String name) {
      Long value = count(usage.get(name));
      return value != null || earlier == null ? value : count(earlier.get(name));
    }

    @Override
    public void authorize(HttpFields.Mutable headers, String authorization) {
      String key = ApiKeys.bearerKey(authorization);
      headers.put("x-api-key", key != null ? key : authorization);
    }

    @Override
    public ObjectNode budgetRefusal(String message, String budget) {
      ObjectNode body = Json.MAPPER.createObjectNode().put("type", "error");
      body.putObject("error").put("type", "budget_exceeded").put("message", message).put("budget", budget);
      return body;
    }

    /**
     * {@code message_start} names the message and model and reports the input; each {@code content_block_delta} is
     * content; {@code message_delta} reports the cumulative totals, which are the call's.
     */
    @Override
    public StreamReader streamReader() {
      return new StreamReader() {
        private String id;
        private String model;
        private JsonNode startUsage;
        private long contentDeltas;

        @Override
        public Usage read(ObjectNode event) {
          switch (event.path("type").asText()) {
            case "message_start" -> {
              JsonNode message = event.path("message");
              id = text(message.get("id"));
              model = text(message.get("model"));
              startUsage = message.get("usage");
            }
            case "content_block_delta" -> contentDeltas++;
            case "message_delta" -> {
              JsonNode usage = event.get("usage");
              if (usage != null && usage.isObject()) return usage(id, model, usage, startUsage);
            }
            default -> { }
          }
          return null;
        }

        @Override
        public Usage delivered() {
          if (contentDeltas == 0) return null;
          Usage started = startUsage == null ? null : usage(id, model, startUsage, null);
          return new Usage(id, model, contentDeltas, started == null ? null : started.inputTokens(),
              started == null ? null : started.cachedInputTokens(), null);
        }
      };
    }
  }
}
