package org.bitbudget.data;

import java.util.Arrays;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.Shape;

/**
 * How a source's values become model inputs, per channel: {@code (x - mean[c]) / std[c]}, where x is
 * the source's value (8-bit pixels already scaled to [0, 1]) and c the channel (axis 0 of a sample, or
 * the source's {@link DataSource#channelAxis()}).
 * One mean and one std apply to every channel.
 *
 * @param mean subtracted, one per channel or one for all
 * @param std  divided by after subtracting the mean, as many as {@code mean}; positive
 */
public record Normalization(float[] mean, float[] std) {
    /** Values as the source gives them and nothing else. */
    public static final Normalization NONE = new Normalization(0f, 1f);

    /** Metadata key under which a model stores its training normalisation, as {@link #toString()} writes it. */
    public static final String METADATA_KEY = "bitbudget.normalize";

    public Normalization {
        mean = mean.clone();
        std = std.clone();
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalisation needs as many stds as means (at least one), got "
                    + mean.length + " and " + std.length);
        }
        for (int c = 0; c < mean.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(mean[c]) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException(
                        "normalisation needs a finite mean and a positive std, got " + mean[c] + ", " + std[c]);
            }
        }
    }

    /** One mean and one std for every channel. */
    public Normalization(float mean, float std) {
        this(new float[] {mean}, new float[] {std});
    }

    /**
     * Parses {@code MEAN,STD} (every channel) or {@code M1,M2,M3/S1,S2,S3} (one pair per channel).
     *
     * @throws IllegalArgumentException with a message fit for the user when the text is malformed
     */
    public static Normalization parse(String text) {
        String[] halves = text.split("/", -1);
        if (halves.length == 2) {
            float[] mean = numbers(halves[0], text);
            float[] std = numbers(halves[1], text);
            if (mean.length != std.length) {
                throw new IllegalArgumentException(
                        "expected as many stds as means in M1,M2,M3/S1,S2,S3, got '" + text + "'");
            }
            return new Normalization(mean, std);
        }
        String[] parts = text.split(",");
        if (halves.length != 1 || parts.length != 2) {
            throw new IllegalArgumentException("expected MEAN,STD (for example 0.2860,0.3530) or M1,M2,M3/S1,S2,S3 "
                    + "per channel, got '" + text + "'");
        }
        try {
            return new Normalization(Float.parseFloat(parts[0].trim()), Float.parseFloat(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected two numbers MEAN,STD, got '" + text + "'");
        }
    }

    private static float[] numbers(String list, String text) {
        String[] parts = list.split(",", -1);
        float[] out = new float[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                out[i] = Float.parseFloat(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected numbers M1,M2,M3/S1,S2,S3, got '" + text + "'");
        }
        return out;
    }

    /**
     * The per-channel mean and standard deviation of every value of {@code source}, rounded to four
     * decimals: the normalisation a model trained on these data expects.
     */
    public static Normalization measure(DataSource source) {
        int channels = source.channels();
        int per = source.sampleShape().size() / Math.max(1, channels);
        int inner = source.sampleShape().rank() == 0
                ? 1
                : source.sampleShape()
                        .size(source.channelAxis() + 1, source.sampleShape().rank());
        double[] sum = new double[channels];
        double[] sumSq = new double[channels];
        int batch = Math.max(1, (1 << 20) / Math.max(1, source.sampleShape().size()));
        for (int from = 0; from < source.size(); from += batch) {
            float[] v = source.batch(from, Math.min(batch, source.size() - from), NONE)
                    .data();
            for (int i = 0; i < v.length; i++) {
                int c = i / inner % channels;
                sum[c] += v[i];
                sumSq[c] += (double) v[i] * v[i];
            }
        }
        long count = (long) source.size() * per;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / count;
            if (!Double.isFinite(m) || !Double.isFinite(sumSq[c])) {
                throw new UserInputException(
                        source.name(), "channel " + c + " holds values that are not finite (NaN or infinity)");
            }
            mean[c] = (float) (Math.round(m * 1e4) / 1e4);
            std[c] = (float) (Math.round(Math.sqrt(sumSq[c] / count - m * m) * 1e4) / 1e4);
            // A constant channel has no spread to divide by; leave its scale alone.
            std[c] = std[c] > 0 ? std[c] : 1f;
        }
        return new Normalization(mean, std);
    }

    /** A copy of the means. */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the stds. */
    @Override
    public float[] std() {
        return std.clone();
    }

    /** Number of (mean, std) pairs: 1 when one pair applies to every channel. */
    public int channels() {
        return mean.length;
    }

    /** The normalised value of {@code value} in channel {@code channel}. */
    public float apply(int channel, float value) {
        int c = mean.length == 1 ? 0 : channel;
        return (value - mean[c]) / std[c];
    }

    /**
     * Normalises whole samples of shape {@code sample} in {@code values} in place, the channel of each
     * value being its index along {@code channelAxis}: the same {@link #apply} for every value.
     */
    public void applyInPlace(float[] values, Shape sample, int channelAxis) {
        if (mean.length == 1) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (values[i] - mean[0]) / std[0];
            }
            return;
        }
        int channels = sample.dim(channelAxis);
        int inner = sample.size(channelAxis + 1, sample.rank());
        for (int i = 0; i < values.length; i++) {
            int c = i / inner % channels;
            values[i] = (values[i] - mean[c]) / std[c];
        }
    }

    /**
     * Checks that this normalisation fits samples of {@code channels} channels from {@code source}.
     *
     * @throws UserInputException naming the source when it has neither one pair nor one per channel
     */
    public void check(int channels, String source) {
        if (mean.length != 1 && mean.length != channels) {
            throw new UserInputException(
                    source,
                    "normalisation " + this + " has " + mean.length + " channels but the samples have " + channels);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    /** {@code MEAN,STD} for one pair, else {@code M1,M2,M3/S1,S2,S3}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        if (mean.length == 1) {
            return mean[0] + "," + std[0];
        }
        return join(mean) + "/" + join(std);
    }

    private static String join(float[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(values[i]);
        }
        return b.toString();
    }
}
