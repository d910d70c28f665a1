package io.jouletrace.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.jouletrace.core.methodology.Estimator;
import io.jouletrace.ledger.entry.FigureSet;
import io.jouletrace.ledger.Ledger;
import io.jouletrace.ledger.entry.LedgerEntry;
import io.jouletrace.ledger.chain.ChainHasher;
import io.jouletrace.ledger.chain.ChainWalk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code jouletrace stream verify}: the cluster's ledger is one hash chain per partition of the invocations topic (the
 * partition that figured the record, which each figured message names in {@code chain.partition}; the figured topic
 * itself is keyed by record id, so one chain's records spread over its partitions). This groups the figured messages by
 * that chain partition, walks each chain in seq order, checks that seq runs 1, 2, 3…, recomputes each hash from the
 * stored content and the previous hash and each figure set from the stored inputs, and checks every published head
 * (the heads topic) against the chain: a head the chain no longer reaches means the chain's tail was cut or rewritten.
 * The root over all chains is the SHA-256 of their heads in partition order ({@link ChainRoot}); every root the topology
 * published (the roots topic) must follow from the heads it names, and each of those heads must lie on its chain.
 */
public final class StreamVerify {

  /** One partition's chain: how far it runs, its head, and the first problem found (null when none). */
  public record PartitionReport(int partition, long records, String headHash, String firstProblem) {}

  /**
   * @param rootsSigned whether the roots' signatures were checked (a key was given)
   * @param rootProblems each published root that is tampered with, names a head off its chain or (with a key) is not
   *     signed by it, and why
   */
  public record Report(List<PartitionReport> partitions, long drift, List<String> driftExamples, long headsChecked, String root,
      long rootsChecked, boolean rootsSigned, List<String> rootProblems) {
    public boolean ok() {
      return drift == 0 && rootProblems.isEmpty() && partitions.stream().allMatch(p -> p.firstProblem() == null);
    }

    public long records() {
      return partitions.stream().mapToLong(PartitionReport::records).sum();
    }
  }

  private StreamVerify() {}

  /**
   * Reads the figured, heads and roots topics to their ends (read_committed) and verifies.
   *
   * @param ledgerKey the key the topology signs roots with; null: roots are checked by their hash alone
   */
  public static Report run(String bootstrap, Topics topics, Estimator estimator, byte[] ledgerKey) {
    return verify(readAll(bootstrap, topics.figured()), readAll(bootstrap, topics.heads()), readAll(bootstrap, topics.roots()), estimator,
        RootSeal.of(ledgerKey));
  }

  /** Verifies figured messages (in any order: each chain is walked in seq order) against the published heads and roots. */
  static Report verify(List<String> figured, List<String> heads, List<String> roots, Estimator estimator, RootSeal seal) {
    Map<Integer, List<LedgerEntry>> chains = new TreeMap<>();
    for (String message : figured) chains.computeIfAbsent(Messages.partition(message), p -> new ArrayList<>()).add(Messages.entry(message));
    Map<Integer, List<String>> hashes = new TreeMap<>();
    Map<Integer, String> problems = new HashMap<>();
    List<String> driftExamples = new ArrayList<>();
    long drift = 0;
    for (Map.Entry<Integer, List<LedgerEntry>> chainEntries : chains.entrySet()) {
      int partition = chainEntries.getKey();
      List<String> chain = hashes.computeIfAbsent(partition, p -> new ArrayList<>());
      List<LedgerEntry> bySeq = new ArrayList<>(chainEntries.getValue());
      bySeq.sort(Comparator.comparingLong(LedgerEntry::seq));
      // The ledger's chain walk; a partition's chain is read only up to its first break.
      ChainWalk walk = new ChainWalk(ChainHasher.sha256());
      for (LedgerEntry entry : bySeq) {
        String broken = walk.next(entry, "");
        if (broken != null) {
          problems.put(partition, broken.startsWith("seq ") ? broken : "seq " + entry.seq() + ": " + broken);
          break;
        }
        List<String> differences = entry.figures().differences(FigureSet.of(Ledger.refigure(estimator, entry.record(), entry.figures())));
        if (!differences.isEmpty()) {
          drift++;
          if (driftExamples.size() < 10) driftExamples.add("partition " + partition + " seq " + entry.seq() + ": " + differences);
        }
        chain.add(entry.hash());
      }
    }
    long headsChecked = 0;
    for (String head : heads) {
      JsonNode node = Messages.json(head);
      int partition = node.get("partition").asInt();
      long seq = node.get("seq").asLong();
      List<String> chain = hashes.getOrDefault(partition, List.of());
      headsChecked++;
      if (problems.containsKey(partition)) continue;
      if (seq > chain.size() || !chain.get((int) seq - 1).equals(node.get("hash").asText())) {
        problems.put(partition, "published head seq " + seq + " (" + node.get("hash").asText() + ") is not on the chain, which has "
            + chain.size() + " records: the partition was cut or rewritten");
      }
    }
    List<String> rootProblems = new ArrayList<>();
    for (String root : roots) {
      String problem = rootProblem(root, hashes, seal);
      if (problem != null) rootProblems.add(problem);
    }
    List<PartitionReport> reports = new ArrayList<>();
    List<ChainRoot.Head> chainHeads = new ArrayList<>();
    hashes.forEach((partition, chain) -> {
      String head = chain.isEmpty() ? ChainHasher.GENESIS : chain.getLast();
      reports.add(new PartitionReport(partition, chain.size(), head, problems.get(partition)));
      chainHeads.add(new ChainRoot.Head(partition, chain.size(), head));
    });
    return new Report(reports, drift, driftExamples, headsChecked, ChainRoot.hash(chainHeads), roots.size(), seal.signs(), rootProblems);
  }

  /**
   * Why a published root fails (with a key: it is not signed by it; its hash does not follow from the heads it names;
   * or one is off its chain), or null.
   */
  private static String rootProblem(String root, Map<Integer, List<String>> hashes, RootSeal seal) {
    JsonNode node;
    List<ChainRoot.Head> named;
    try {
      node = Messages.json(root);
      named = ChainRoot.heads(node);
    } catch (RuntimeException e) {
      return "root " + root + ": unreadable: " + e.getMessage();
    }
    String what = "root published at " + node.path("at").asText("?") + " (" + node.path("root").asText("?") + ")";
    String unsigned = seal.problem(node);
    if (unsigned != null) return what + ": " + unsigned;
    if (!ChainRoot.hash(named).equals(node.path("root").asText())) return what + ": its hash does not follow from the heads it names";
    for (ChainRoot.Head head : named) {
      List<String> chain = hashes.getOrDefault(head.partition(), List.of());
      if (head.seq() < 1 || head.seq() > chain.size() || !chain.get((int) head.seq() - 1).equals(head.hash())) {
        return what + ": names partition " + head.partition() + " head seq " + head.seq() + " (" + head.hash()
            + "), which is not on that chain of " + chain.size() + " records";
      }
    }
    return null;
  }

  private static List<String> readAll(String bootstrap, String topic) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) out.add(record.value());
      }
    }
    return out;
  }
}
