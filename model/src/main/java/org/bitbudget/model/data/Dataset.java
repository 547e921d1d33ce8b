package org.bitbudget.model.data;

import java.util.Objects;
import org.bitbudget.model.tensor.Shape;
import org.bitbudget.model.tensor.Tensor;

/**
 * Labelled 8-bit grey images, such as one split of Fashion-MNIST.
 *
 * @param name   where the data came from, for reports
 * @param pixels {@code count * rows * cols} pixels, image after image, row-major
 * @param labels one class index per image
 * @param rows   image height
 * @param cols   image width
 */
public record Dataset(String name, byte[] pixels, int[] labels, int rows, int cols) {
    public Dataset {
        Objects.requireNonNull(name);
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length + " pixels of "
                    + rows + "x" + cols + " images");
        }
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** The first {@code count} images (all of them when count exceeds the size). */
    public Dataset limit(int count) {
        int n = Math.min(count, size());
        return new Dataset(name, java.util.Arrays.copyOf(pixels, n * rows * cols),
                java.util.Arrays.copyOf(labels, n), rows, cols);
    }

    /** Number of classes: one more than the largest label. */
    public int classes() {
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max + 1;
    }

    /** Images {@code [from, from + count)} as a float tensor of shape [count, 1, rows, cols]. */
    public Tensor images(int from, int count, Normalization norm) {
        int per = rows * cols;
        float[] lut = new float[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = norm.apply(i);
        }
        float[] out = new float[count * per];
        for (int i = 0, src = from * per; i < out.length; i++, src++) {
            out[i] = lut[pixels[src] & 0xFF];
        }
        return Tensor.of(Shape.of(count, 1, rows, cols), out);
    }

    /**
     * The pixels' mean and standard deviation after scaling to [0, 1], rounded to four decimals: the
     * normalisation a model trained on this data expects.
     */
    public Normalization pixelStatistics() {
        double sum = 0;
        double sumSq = 0;
        for (byte b : pixels) {
            double v = (b & 0xFF) / 255.0;
            sum += v;
            sumSq += v * v;
        }
        double mean = sum / pixels.length;
        double std = Math.sqrt(sumSq / pixels.length - mean * mean);
        return new Normalization((float) (Math.round(mean * 1e4) / 1e4), (float) (Math.round(std * 1e4) / 1e4));
    }
}
