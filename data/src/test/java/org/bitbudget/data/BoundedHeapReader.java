package org.bitbudget.data;

/**
 * The reading side of {@link BoundedHeapTest}, run in a JVM of its own with a small heap: opens the
 * {@code .npy} named by its argument and prints the sum of every value and the number of samples.
 */
final class BoundedHeapReader {
    private BoundedHeapReader() {}

    public static void main(String[] args) {
        DataSource s = DataSources.open(args[0], Split.TEST);
        double sum = 0;
        int batch = 256;
        for (int from = 0; from < s.size(); from += batch) {
            for (float v : s.batch(from, Math.min(batch, s.size() - from), Normalization.NONE)
                    .data()) {
                sum += v;
            }
        }
        System.out.println(sum + " " + s.size());
    }
}
