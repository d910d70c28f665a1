package io.jouletrace.server;

import io.jouletrace.core.record.InvocationRecord;
import io.jouletrace.core.record.Operation;
import io.jouletrace.ledger.Ledger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;

/**
 * A realistic sample for {@code serve --demo}: four weeks of calls from three tenants' teams to catalogued models in
 * several regions, some agent traces, embeddings, and a few calls to a model no catalogue knows (shown as unrated).
 * Deterministic (fixed seed), ids prefixed {@code demo-}, so loading it twice adds nothing.
 */
final class DemoData {

  private record Team(String tenant, String team, String costCenter, String region) {}

  private static final Team[] TEAMS = {
      new Team("acme", "search", "CC-4410", "eu-west-1"), new Team("acme", "support", "CC-4420", "us-east-1"),
      new Team("globex", "research", "CC-7100", "europe-west4"), new Team("initech", "billing", "CC-1300", "FRA")};
  private static final String[][] MODELS = {
      {"openai", "gpt-4o"}, {"openai", "gpt-4o-mini"}, {"anthropic", "claude-3-5-sonnet-latest"}, {"anthropic", "claude-3-5-haiku-latest"},
      {"mistralai", "mistral-large-latest"}, {"google_genai", "gemini-2.0-flash"}, {"acme-labs", "in-house-7b-v2"},
      {"huggingface_hub", "meta-llama/Meta-Llama-3-70B"}};

  private DemoData() {}

  /** Writes the sample into the ledger through {@code writer}; returns how many records it offered. */
  static int load(Ledger.Writer writer, Instant now) {
    Random random = new Random(20261125);
    Instant start = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(28));
    int count = 0;
    for (int day = 0; day < 28; day++) {
      for (Team team : TEAMS) {
        int calls = 30 + random.nextInt(40);
        for (int i = 0; i < calls; i++) {
          String[] model = MODELS[random.nextInt(MODELS.length)];
          boolean embedding = random.nextInt(12) == 0;
          Instant at = start.plus(Duration.ofDays(day)).plusSeconds(random.nextInt(86_400));
          InvocationRecord.Builder record = InvocationRecord.builder(embedding ? "openai" : model[0],
                  embedding ? "text-embedding-3-small" : model[1], embedding ? 0 : 50 + random.nextInt(900))
              .id("demo-" + day + "-" + team.team() + "-" + i).timestamp(at).tenant(team.tenant()).team(team.team())
              .costCenter(team.costCenter()).inputTokens(200L + random.nextInt(4000))
              .operation(embedding ? Operation.EMBEDDINGS : Operation.CHAT)
              .latencySeconds(embedding ? null : 0.5 + random.nextDouble() * 8);
          if (team.region().length() == 3) record.zone(team.region());
          else record.region(team.region());
          if (random.nextInt(5) == 0) record.traceId("demo-trace-" + day + "-" + team.team() + "-" + (i / 4));
          writer.add(record.build(), "demo");
          count++;
        }
      }
    }
    writer.flush();
    return count;
  }
}
