package io.jouletrace.core.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RadixSortTest {

  @Test
  void ordersByGroupThenKeyThenIndexLikeAComparisonSort() {
    Random rnd = new Random(11);
    for (int n : new int[] {0, 1, 7, 300, 5000, 70_000}) {
      long[] key = new long[n];
      int[] group = new int[n];
      for (int i = 0; i < n; i++) {
        // negative keys, wide ranges and many ties
        key[i] = switch (i % 3) {
          case 0 -> rnd.nextLong();
          case 1 -> rnd.nextInt(10) - 5;
          default -> Long.MIN_VALUE + rnd.nextInt(3);
        };
        group[i] = rnd.nextInt(5);
      }
      int[] expected = IntStream.range(0, n).boxed()
          .sorted(Comparator.<Integer>comparingInt(i -> group[i]).thenComparingLong(i -> key[i]).thenComparingInt(i -> i))
          .mapToInt(Integer::intValue).toArray();
      assertThat(RadixSort.order(key, group, 5, n)).as("n = %d", n).containsExactly(expected);
      int[] byKey = IntStream.range(0, n).boxed().sorted(Comparator.<Integer>comparingLong(i -> key[i]).thenComparingInt(i -> i))
          .mapToInt(Integer::intValue).toArray();
      assertThat(RadixSort.order(key, null, 1, n)).containsExactly(byKey);
    }
  }
}
