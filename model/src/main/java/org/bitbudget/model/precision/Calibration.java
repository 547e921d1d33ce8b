package org.bitbudget.model.precision;

import java.util.SplittableRandom;
import org.bitbudget.model.data.Dataset;
import org.bitbudget.model.data.Normalization;
import org.bitbudget.model.tensor.Shape;
import org.bitbudget.model.tensor.Tensor;

/**
 * Chooses calibration images: a seeded random subset of a split that evaluation never sees (the
 * train split by default, while accuracy is measured on the test split).
 */
public final class Calibration {
    /** Images used when the user does not say. */
    public static final int DEFAULT_IMAGES = 1000;

    private Calibration() {
    }

    /** {@code count} distinct images of {@code data}, chosen by a Fisher–Yates shuffle seeded with {@code seed}. */
    public static Tensor sample(Dataset data, int count, long seed, Normalization norm) {
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
        int per = data.rows() * data.cols();
        float[] out = new float[n * per];
        for (int i = 0; i < n; i++) {
            float[] image = data.images(order[i], 1, norm).data();
            System.arraycopy(image, 0, out, i * per, per);
        }
        return Tensor.of(Shape.of(n, 1, data.rows(), data.cols()), out);
    }
}
