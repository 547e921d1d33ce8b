package org.bitbudget.data.metric;

import org.bitbudget.ir.tensor.Tensor;

/**
 * {@code sqnr}: the signal-to-quantization-noise ratio of the outputs in dB, {@code 10 log10(Σ r² / Σ
 * (y − r)²)} over every value, with {@code r} the float model's outputs. Outputs equal to the
 * reference score {@link #CEILING_DB} (the ratio is capped there, so scores stay finite numbers in
 * JSON and CSV). Its sensitivity damage is the noise-to-signal power ratio {@code Σ (y − r)² / Σ r²},
 * which, unlike decibels, adds up roughly over layers.
 */
public final class SqnrMetric implements Metric {
    public static final String NAME = "sqnr";
    /** The score of outputs equal to the reference, in dB. */
    public static final double CEILING_DB = 200;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Direction direction() {
        return Direction.HIGHER_IS_BETTER;
    }

    @Override
    public boolean needsLabels() {
        return false;
    }

    @Override
    public double score(Tensor outputs, Tensor reference, int[] labels) {
        double ratio = noiseToSignal(outputs, reference, labels);
        return Math.min(CEILING_DB, -10 * Math.log10(ratio));
    }

    @Override
    public double damage(Tensor outputs, Tensor reference, int[] labels) {
        return noiseToSignal(outputs, reference, labels);
    }

    private static double noiseToSignal(Tensor outputs, Tensor reference, int[] labels) {
        Outputs.of(outputs, reference, labels, false, NAME);
        float[] y = outputs.data();
        float[] r = reference.data();
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < y.length; i++) {
            double d = (double) y[i] - r[i];
            signal += (double) r[i] * r[i];
            noise += d * d;
        }
        if (noise == 0) {
            return 0;
        }
        if (signal == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return noise / signal;
    }
}
