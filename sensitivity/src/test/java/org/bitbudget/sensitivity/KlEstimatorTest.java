package org.bitbudget.sensitivity;

import static org.bitbudget.sensitivity.SensitivityEstimatorsTest.lenet;
import static org.bitbudget.sensitivity.SensitivityEstimatorsTest.train;
import static org.bitbudget.sensitivity.SensitivityEstimatorsTest.wa;
import static org.bitbudget.sensitivity.SensitivityEstimatorsTest.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.data.metric.KlMetric;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kl} on the shared LeNet-5 with Fashion-MNIST: the mean KL divergence computed here from
 * {@code eval}'s fake-quantized logits, no labels used, and exactly {@code measured} with the metric
 * {@code kl}.
 */
class KlEstimatorTest {
    private static final int N = 300;
    private static final Precision UNCHANGED = new Precision(QuantizerSpec.FLOAT, QuantizerSpec.FLOAT, 32);

    @BeforeAll
    static void load() {
        SensitivityEstimatorsTest.load();
    }

    private static SensitivityProblem problem(int[] labels, List<Precision> candidates) {
        return SensitivityProblem.builder(lenet)
                .calibration(train.batch(0, N, SensitivityEstimatorsTest.NORM), labels)
                .precisions(candidates)
                .threads(2)
                .build();
    }

    /** Mean over rows of Σ p (log p − log q), softmax in double from log-sum-exp. */
    private static double meanKl(float[] reference, float[] scored, int n) {
        int classes = reference.length / n;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] logP = logSoftmax(reference, i * classes, classes);
            double[] logQ = logSoftmax(scored, i * classes, classes);
            for (int c = 0; c < classes; c++) {
                total += Math.exp(logP[c]) * (logP[c] - logQ[c]);
            }
        }
        return total / n;
    }

    private static double[] logSoftmax(float[] z, int from, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, z[from + c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(z[from + c] - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = z[from + c] - log;
        }
        return out;
    }

    /**
     * Against the divergence computed here from {@code eval}'s logits: the single-layer runs match
     * fake quantization to about 1e-6 of a logit, which moves a divergence of 1e-4 and up by less than
     * 1e-4 of itself. An unchanged layer gives identical logits and exactly 0.
     */
    @Test
    void scoresTheMeanDivergenceOfTheFakeQuantizedLogits() {
        List<Precision> candidates = List.of(UNCHANGED, weights("int4"), weights("int2"), wa("int8", "uint4"));
        SensitivityProblem p = problem(Arrays.copyOf(train.labels(), N), candidates);
        SensitivityTable t = new KlEstimator().estimate(p, ProgressListener.NONE);
        Tensor images = p.images();
        float[] base = FloatEngine.of(lenet).predict(images).data();
        for (Layer layer : lenet.layers()) {
            assertEquals(0.0, t.score(layer.name(), UNCHANGED), 0.0, layer.name());
            for (Precision c : candidates.subList(1, candidates.size())) {
                Graph q = FakeQuantization.apply(
                                lenet, PrecisionConfig.uniform(Precision.FLOAT).with(layer.name(), c), images)
                        .graph();
                double expected = meanKl(base, FloatEngine.of(q).predict(images).data(), N);
                assertTrue(expected > 0, layer.name() + " " + c);
                assertEquals(expected, t.score(layer.name(), c), 1e-4 * expected, layer.name() + " " + c);
            }
        }
    }

    /**
     * Label-free: any labels give the same scores (here the true ones and the float model's own
     * top-1); and it is {@code measured} under the metric {@code kl}, not under the default cross-entropy.
     */
    @Test
    void needsNoLabelsAndIsMeasuredWithTheKlMetric() {
        List<Precision> candidates = List.of(weights("int3"));
        SensitivityProblem labelled = problem(Arrays.copyOf(train.labels(), N), candidates);
        int[] own = org.bitbudget.data.Classification.predictions(
                FloatEngine.of(lenet).predict(labelled.images()));
        SensitivityTable kl = new KlEstimator().estimate(labelled, ProgressListener.NONE);
        SensitivityTable pseudo = new KlEstimator().estimate(problem(own, candidates), ProgressListener.NONE);
        SensitivityProblem klMetric = SensitivityProblem.builder(lenet)
                .calibration(labelled.images(), labelled.labels())
                .precisions(candidates)
                .metric(new KlMetric())
                .threads(2)
                .build();
        SensitivityTable measuredKl = new MeasuredEstimator().estimate(klMetric, ProgressListener.NONE);
        SensitivityTable measured = new MeasuredEstimator().estimate(labelled, ProgressListener.NONE);
        for (Layer layer : lenet.layers()) {
            double score = kl.score(layer.name(), weights("int3"));
            assertEquals(score, pseudo.score(layer.name(), weights("int3")), 0.0, layer.name());
            assertEquals(score, measuredKl.score(layer.name(), weights("int3")), 0.0, layer.name());
            assertNotEquals(score, measured.score(layer.name(), weights("int3")), layer.name());
        }
        assertEquals(KlEstimator.NAME, kl.rows().getFirst().estimator());
    }
}
