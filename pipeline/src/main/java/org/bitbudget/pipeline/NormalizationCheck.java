package org.bitbudget.pipeline;

import java.util.Locale;
import java.util.Optional;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Normalization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Whether data fed without any normalisation look like what the model expects. A model exported from
 * PyTorch stores no normalisation, and its data read as stored ([0, 1] for 8-bit images) then
 * score near chance without any error. On the first {@link #SAMPLES} samples: with labels, the float
 * model's top-1 accuracy as fed, against chance and against the same samples normalised by their own
 * per-channel mean and standard deviation; without labels, whether the inputs are far from centred
 * (none negative, mean at least a quarter of the largest value).
 */
public final class NormalizationCheck {
    /** Samples the check reads. */
    public static final int SAMPLES = 256;

    private NormalizationCheck() {}

    /**
     * What the check found.
     *
     * @param text      one line: what was assumed and what looks wrong
     * @param suggested the data's own per-channel mean and standard deviation, the normalisation to try
     */
    public record Finding(String text, Normalization suggested) {}

    /**
     * One line saying what was assumed and what looks wrong, or empty when the data look fine for the
     * model (or a normalisation other than none is in use: then the user chose it).
     *
     * @param graph   the float model, one input
     * @param data    the data as the command reads them
     * @param norm    the normalisation in use
     * @param threads worker threads of the float engine
     */
    public static Optional<Finding> check(Graph graph, DataSource data, Normalization norm, int threads) {
        if (!norm.equals(Normalization.NONE) || data.size() == 0) {
            return Optional.empty();
        }
        DataSource first = data.limit(SAMPLES);
        Tensor asStored = first.batch(0, first.size(), Normalization.NONE);
        Normalization own = Normalization.measure(first);
        String assumed = String.format(
                Locale.ROOT,
                "no normalisation given or stored in the model: inputs used as stored (mean %.3f, range [%.3g, %.3g])",
                mean(asStored.data()),
                min(asStored.data()),
                max(asStored.data()));
        if (data.labelled()) {
            int[] labels = first.labels();
            FloatEngine engine = FloatEngine.builder(graph).threads(threads).build();
            Tensor logits = engine.predict(asStored);
            if (logits.shape().rank() != 2) {
                return Optional.empty();
            }
            double chance = 1.0 / logits.shape().dim(1);
            double fed = Classification.accuracy(logits, first);
            if (fed > 2 * chance) {
                return Optional.empty();
            }
            double normalised = Classification.accuracy(engine.predict(first.batch(0, first.size(), own)), first);
            String tail = normalised > fed + 0.2
                    ? String.format(Locale.ROOT, "; normalised by the data's own mean/std it scores %.2f", normalised)
                    : "; the data may not be preprocessed as the model expects";
            return Optional.of(new Finding(
                    String.format(
                            Locale.ROOT,
                            "%s; the float model scores %.2f top-1 on the first %d samples (chance %.2f)%s",
                            assumed,
                            fed,
                            first.size(),
                            chance,
                            tail),
                    own));
        }
        float[] v = asStored.data();
        if (min(v) >= 0 && mean(v) >= 0.25 * max(v) && max(v) > 0) {
            return Optional.of(new Finding(
                    assumed + "; the inputs are not centred, as a model trained on normalised inputs expects", own));
        }
        return Optional.empty();
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
