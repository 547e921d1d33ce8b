package org.bitbudget.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Chooses calibration samples: a seeded random subset of a split that evaluation never sees (the
 * train split by default, while accuracy is measured on the test split).
 */
public final class Calibration {
    /** Images used when the user does not say. */
    public static final int DEFAULT_IMAGES = 1000;

    private Calibration() {}

    /** {@code count} distinct samples of {@code data}, chosen by a Fisher–Yates shuffle seeded with {@code seed}. */
    public static Tensor sample(DataSource data, int count, long seed, Normalization norm) {
        int n = Math.min(count, data.size());
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(order.length - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return data.gather(Arrays.copyOf(order, n), norm);
    }
}
