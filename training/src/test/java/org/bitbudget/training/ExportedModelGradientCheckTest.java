package org.bitbudget.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training pass on the two PyTorch exports, whole: the MobileNetV3-style CNN (HardSwish,
 * HardSigmoid-gated squeeze-excitation with GlobalAveragePool and a broadcasting Mul, depthwise Conv) and
 * the ViT (LayerNormalization, Erf, Pow, Div, Softmax over the last axis, MatMul between activations,
 * Transpose, and Reshape targets computed at run time by Shape → Gather → Unsqueeze → Concat). The forward
 * pass in double equals the float engine's logits, and the backward pass equals central finite
 * differences along seeded random directions: one for the images and one for every float initializer.
 *
 * <p>Tolerance: |analytic − fd| ≤ 1e-5 · max(|analytic|, |fd|) + 1e-8. The round-off of the difference
 * quotient is about u · |L| / eps ≈ 1e-16 · 10 / 1e-6 = 1e-9 and the truncation error eps² · |L'''| / 6 is
 * below 1e-12; a direction moves every pre-activation by about 1e-6, and a ReLU, HardSwish or HardSigmoid
 * input that close to its kink changes the quotient by a share of one unit among thousands; a missing
 * or wrong backward rule is off by orders of magnitude more.
 */
class ExportedModelGradientCheckTest {
    private static final double EPS = 1e-6;
    private static final double REL = 1e-5;
    private static final double ABS = 1e-8;
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ExportedModels.MOBILENETV3, ExportedModels.VIT})
    void backwardMatchesFiniteDifferencesOnTheWholeExport(String model) {
        Graph g = OnnxImporter.load(ExportedModels.model(model));
        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 2, NORM);
        String input = g.inputs().getFirst().name();
        String output = g.outputs().getFirst().name();
        Map<String, DTensor> inputs = Map.of(input, DTensor.from(images));
        Autodiff ad = new Autodiff(g);
        Autodiff.Tape tape = ad.forward(inputs, Map.of(), false);

        float[] engine =
                FloatEngine.builder(g).threads(1).build().predict(images).data();
        double[] logits = tape.value(output).data();
        assertEquals(engine.length, logits.length);
        for (int i = 0; i < logits.length; i++) {
            assertEquals(engine[i], logits[i], 1e-4, model + ": logit " + i + " differs from the float engine");
        }

        Random random = new Random(model.hashCode());
        double[] r = new double[logits.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = random.nextGaussian();
        }
        Map<String, DTensor> grads =
                ad.backward(tape, Map.of(output, DTensor.of(tape.value(output).shape(), r)));

        for (Layer layer : g.layers()) {
            assertNotNull(grads.get(layer.weightName()), model + ": no gradient for the weight of " + layer.name());
        }
        Map<String, DTensor> checked = new TreeMap<>();
        checked.put(input, inputs.get(input));
        g.initializers().forEach((name, t) -> {
            if (grads.containsKey(name)) {
                checked.put(name, DTensor.from(t));
            }
        });
        double worst = 0;
        for (var e : checked.entrySet()) {
            String name = e.getKey();
            double[] v = direction(e.getValue().size(), random);
            double analytic = dot(grads.get(name).data(), v);
            double plus = loss(ad, inputs, name, e.getValue(), v, EPS, output, r);
            double minus = loss(ad, inputs, name, e.getValue(), v, -EPS, output, r);
            double fd = (plus - minus) / (2 * EPS);
            double allowed = REL * Math.max(Math.abs(analytic), Math.abs(fd)) + ABS;
            assertTrue(
                    Math.abs(analytic - fd) <= allowed,
                    model + ": d/d" + name + " along a random direction: analytic " + analytic + ", finite difference "
                            + fd);
            worst = Math.max(worst, Math.abs(analytic - fd) / allowed);
        }
        TreeSet<String> ops = new TreeSet<>();
        for (Node n : g.nodes()) {
            ops.add(n.op().type());
        }
        System.out.printf(
                "%s: %d directions (input + float initializers), max error/allowed %.3f, operators %s%n",
                model, checked.size(), worst, ops);
    }

    /** A unit vector with Gaussian entries. */
    private static double[] direction(int n, Random random) {
        double[] v = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < n; i++) {
            v[i] /= norm;
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** Σ logits · r with {@code name} moved by {@code step} along {@code v}. */
    private static double loss(
            Autodiff ad,
            Map<String, DTensor> inputs,
            String name,
            DTensor value,
            double[] v,
            double step,
            String output,
            double[] r) {
        double[] moved = value.data().clone();
        for (int i = 0; i < moved.length; i++) {
            moved[i] += step * v[i];
        }
        DTensor t = DTensor.of(value.shape(), moved);
        Map<String, DTensor> in = new LinkedHashMap<>(inputs);
        Map<String, DTensor> params = Map.of();
        if (in.containsKey(name)) {
            in.put(name, t);
        } else {
            params = Map.of(name, t);
        }
        return dot(ad.forward(in, params, false).value(output).data(), r);
    }
}
