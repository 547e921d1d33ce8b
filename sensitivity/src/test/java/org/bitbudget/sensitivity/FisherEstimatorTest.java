package org.bitbudget.sensitivity;

import static org.bitbudget.sensitivity.SensitivityEstimatorsTest.lenet;
import static org.bitbudget.sensitivity.SensitivityEstimatorsTest.problem;
import static org.bitbudget.sensitivity.SensitivityEstimatorsTest.train;
import static org.bitbudget.sensitivity.SensitivityEstimatorsTest.wa;
import static org.bitbudget.sensitivity.SensitivityEstimatorsTest.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.ShapeInference;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.training.Autodiff;
import org.bitbudget.training.SoftmaxCrossEntropy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code fisher} on the shared LeNet-5 with Fashion-MNIST: the gradients of every layer's output
 * against central differences, the logits layer against the closed form of the cross-entropy's
 * gradient, and every layer's score against the sum computed directly from {@code eval}'s fake
 * quantization.
 */
class FisherEstimatorTest {
    @BeforeAll
    static void load() {
        SensitivityEstimatorsTest.load();
    }

    private static List<String> outputs(Graph graph) {
        return graph.layers().stream().map(l -> l.node().outputs().getFirst()).toList();
    }

    /**
     * ∂ℓ/∂Y of every layer, in double, against central differences of the summed cross-entropy of
     * the network after the layer (also in double), on ten elements of each layer's output. The step
     * 1e-5 is too small to move any ReLU or max-pool input of these images across its switch, so the
     * only errors are the O(h²) truncation of a smooth softmax and rounding (both below 1e-9 here).
     */
    @Test
    void layerOutputGradientsMatchCentralDifferences() {
        SensitivityProblem p = SensitivityProblem.builder(lenet)
                .calibration(
                        train.batch(0, 8, SensitivityEstimatorsTest.NORM), java.util.Arrays.copyOf(train.labels(), 8))
                .precisions(List.of(weights("int4")))
                .batchSize(8)
                .threads(1)
                .build();
        Map<String, DTensor> g = new LossGradients(p).valueGradients(0, outputs(lenet));
        Autodiff full = new Autodiff(lenet);
        String input = lenet.inputs().getFirst().name();
        Autodiff.Tape tape = full.forward(Map.of(input, DTensor.from(p.images())), Map.of(), false);
        Map<String, Shape> shapes = ShapeInference.shapes(lenet, 1);
        Map<String, Shape> atBatchTwo = ShapeInference.shapes(lenet, 2);
        int[] labels = p.labels();
        double h = 1e-5;
        for (Layer layer : lenet.layers()) {
            String y = layer.node().outputs().getFirst();
            Graph after = SingleLayerRuns.suffix(lenet, layer.nodeIndex() + 1, shapes, atBatchTwo);
            Autodiff rest = new Autodiff(after);
            double[] gy = g.get(y).data();
            double size = 0;
            for (int k = 0; k < 10; k++) {
                int j = (int) ((k + 0.5) * gy.length / 10);
                double plus = summedLoss(rest, after, tape, y, j, h, labels);
                double minus = summedLoss(rest, after, tape, y, j, -h, labels);
                double difference = (plus - minus) / (2 * h);
                assertEquals(difference, gy[j], 1e-6 * Math.abs(gy[j]) + 1e-9, layer.name() + " element " + j);
                size += Math.abs(gy[j]);
            }
            assertTrue(size > 0, layer.name() + ": some sampled elements carry gradient");
        }
    }

    /** The summed cross-entropy with element {@code j} of value {@code y} moved by {@code step}. */
    private static double summedLoss(
            Autodiff rest, Graph after, Autodiff.Tape tape, String y, int j, double step, int[] labels) {
        Map<String, DTensor> cut = new LinkedHashMap<>();
        after.inputs().forEach(v -> cut.put(v.name(), tape.value(v.name()).copy()));
        DTensor moved = cut.computeIfAbsent(y, name -> tape.value(name).copy());
        moved.data()[j] += step;
        String output = lenet.outputs().getFirst().name();
        DTensor logits = after.nodes().isEmpty()
                ? moved
                : rest.forward(cut, Map.of(), false).value(output);
        return SoftmaxCrossEntropy.of(logits, labels).loss() * labels.length;
    }

    /**
     * The last layer computes the logits z, where ∂ℓ/∂z = softmax(z) − onehot(label) exactly, so its
     * score is ½ · mean over images of Σ_c (p_c − [c = label])² Δz_c², Δz from {@code eval}'s fake
     * quantization of that layer alone: no autodiff involved. Tolerance 1e-5 relative: Δz is a
     * difference of float logits (about 1e-6 relative each), the softmax is in double.
     */
    @Test
    void theLogitsLayerScoresTheClosedForm() {
        List<Precision> candidates = List.of(weights("int4"), weights("int2"), wa("int4", "uint8"));
        SensitivityProblem p = problem(lenet, train, 300, candidates);
        SensitivityTable t = new FisherEstimator().estimate(p, ProgressListener.NONE);
        Layer f3 = lenet.layers().getLast();
        Tensor images = p.images();
        float[] z = FloatEngine.of(lenet).predict(images).data();
        int[] labels = p.labels();
        int classes = z.length / labels.length;
        for (Precision c : candidates) {
            Graph q = FakeQuantization.apply(
                            lenet, PrecisionConfig.uniform(Precision.FLOAT).with(f3.name(), c), images)
                    .graph();
            float[] zq = FloatEngine.of(q).predict(images).data();
            double sum = 0;
            for (int i = 0; i < labels.length; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    max = Math.max(max, z[i * classes + k]);
                }
                double norm = 0;
                for (int k = 0; k < classes; k++) {
                    norm += Math.exp(z[i * classes + k] - max);
                }
                for (int k = 0; k < classes; k++) {
                    double gk = Math.exp(z[i * classes + k] - max) / norm - (k == labels[i] ? 1 : 0);
                    double d = (double) zq[i * classes + k] - z[i * classes + k];
                    sum += gk * gk * d * d;
                }
            }
            double expected = 0.5 * sum / labels.length;
            assertTrue(expected > 0, c.toString());
            assertEquals(expected, t.score(f3.name(), c), 1e-5 * expected, c.toString());
        }
    }

    /**
     * Every layer, weight-only and with a quantized input: the score is ½ · mean Σ g² ΔY² with ΔY
     * captured from {@code eval}'s fake-quantized graph of that layer alone and g from one backward
     * pass over all images (checked against differences above); the estimator runs batches of 32 on two
     * threads, so batching, the per-image loss and the ½ are what is checked. Same tolerance as above.
     */
    @Test
    void everyLayersScoreIsTheDirectSum() {
        List<Precision> candidates = List.of(weights("int3"), wa("int4", "uint8"));
        int n = 200;
        SensitivityProblem p = SensitivityProblem.builder(lenet)
                .calibration(
                        train.batch(0, n, SensitivityEstimatorsTest.NORM), java.util.Arrays.copyOf(train.labels(), n))
                .precisions(candidates)
                .batchSize(32)
                .threads(2)
                .build();
        SensitivityTable t = new FisherEstimator().estimate(p, ProgressListener.NONE);
        SensitivityProblem oneBatch = SensitivityProblem.builder(lenet)
                .calibration(p.images(), p.labels())
                .precisions(candidates)
                .batchSize(n)
                .threads(1)
                .build();
        Map<String, DTensor> g = new LossGradients(oneBatch).valueGradients(0, outputs(lenet));
        Tensor images = p.images();
        String input = lenet.inputs().getFirst().name();
        for (Layer layer : lenet.layers()) {
            String y = layer.node().outputs().getFirst();
            float[] plain = FloatEngine.of(lenet)
                    .capture(Map.of(input, images), List.of(y))
                    .get(y)
                    .data();
            double[] gy = g.get(y).data();
            for (Precision c : candidates) {
                Graph q = FakeQuantization.apply(
                                lenet, PrecisionConfig.uniform(Precision.FLOAT).with(layer.name(), c), images)
                        .graph();
                float[] quantized = FloatEngine.of(q)
                        .capture(Map.of(input, images), List.of(y))
                        .get(y)
                        .data();
                double sum = 0;
                for (int j = 0; j < gy.length; j++) {
                    double d = (double) quantized[j] - plain[j];
                    sum += gy[j] * gy[j] * d * d;
                }
                double expected = 0.5 * sum / n;
                assertTrue(expected > 0, layer.name() + " " + c);
                assertEquals(expected, t.score(layer.name(), c), 1e-5 * expected, layer.name() + " " + c);
            }
        }
    }
}
