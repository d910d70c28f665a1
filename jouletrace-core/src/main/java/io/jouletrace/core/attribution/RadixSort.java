package io.jouletrace.core.attribution;

/** Stable LSD radix sort of indices by a {@code long} key, then by a small group number: O(n) per digit, no boxing. */
final class RadixSort {

  private RadixSort() {}

  /**
   * The indices {@code 0..n-1} ordered by {@code (group[i], key[i], i)}.
   *
   * @param group per index, in {@code [0, groups)}; null: one group
   */
  static int[] order(long[] key, int[] group, int groups, int n) {
    int[] ix = new int[n];
    if (n == 0) return ix;
    long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long k = key[i];
      if (k < min) min = k;
      if (k > max) max = k;
    }
    long range = max - min; // unsigned
    int bits = 64 - Long.numberOfLeadingZeros(range);
    for (int i = 0; i < n; i++) ix[i] = i;
    if (bits > 0) {
      int digit = n < (1 << 12) ? 8 : 11;
      int radix = 1 << digit, mask = radix - 1;
      long[] k = new long[n], k2 = new long[n];
      int[] ix2 = new int[n];
      for (int i = 0; i < n; i++) k[i] = key[i] - min;
      int[] count = new int[radix];
      for (int shift = 0; shift < bits; shift += digit) {
        java.util.Arrays.fill(count, 0);
        for (int i = 0; i < n; i++) count[(int) (k[i] >>> shift) & mask]++;
        int sum = 0;
        for (int d = 0; d < radix; d++) {
          int c = count[d];
          count[d] = sum;
          sum += c;
        }
        for (int i = 0; i < n; i++) {
          int pos = count[(int) (k[i] >>> shift) & mask]++;
          k2[pos] = k[i];
          ix2[pos] = ix[i];
        }
        long[] tk = k;
        k = k2;
        k2 = tk;
        int[] ti = ix;
        ix = ix2;
        ix2 = ti;
      }
    }
    if (group != null && groups > 1) {
      int[] count = new int[groups + 1];
      for (int i = 0; i < n; i++) count[group[i] + 1]++;
      for (int g = 0; g < groups; g++) count[g + 1] += count[g];
      int[] out = new int[n];
      for (int i = 0; i < n; i++) out[count[group[ix[i]]]++] = ix[i];
      return out;
    }
    return ix;
  }
}
