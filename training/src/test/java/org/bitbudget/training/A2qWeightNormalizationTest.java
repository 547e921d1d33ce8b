package org.bitbudget.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A2Q weight-normalisation fine-tuning of the reference LeNet-5 at W4A4 with a 12-bit accumulator:
 * <ul>
 *   <li>the initial forward weights are exactly the post-training accumulator-aware ones;</li>
 *   <li>the gradients of v and g are the weight-normalisation Jacobian of a random upstream gradient
 *       (central finite differences of the un-rounded w = g · v / ||v||_1);</li>
 *   <li>after fine-tuning on 2,000 images for one epoch, every constrained channel's codes (weights
 *       over the fixed scales) are integers whose L1 norm is within the budget, and the test accuracy
 *       (1,000 images) beats the post-training one.</li>
 * </ul>
 */
class A2qWeightNormalizationTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);
    private static Graph graph;
    private static Tensor calibration;
    private static PrecisionConfig config;
    private static QuantizedGraph quantized;

    @BeforeAll
    static void load() {
        graph = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 300, 0L, NORMALIZATION);
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse("int4")),
                            QuantizerSpec.activations(NumberFormat.parse((i == 0 ? "int" : "uint") + 4)),
                            12));
        }
        config = new PrecisionConfig(Precision.FLOAT, layers);
        quantized = FakeQuantization.apply(graph, config, calibration);
    }

    private static Map<String, DTensor> params(Graph g) {
        Map<String, DTensor> params = new LinkedHashMap<>();
        g.initializers().forEach((name, t) -> params.put(name, DTensor.from(t)));
        return params;
    }

    @Test
    void startsFromThePostTrainingWeights() {
        A2qWeightNormalization a2q = A2qWeightNormalization.of(graph, quantized);
        Map<String, DTensor> params = params(graph);
        params.putAll(a2q.init(params));
        Map<String, DTensor> forward = a2q.forward(params);
        for (LayerQuantization lq : quantized.layers()) {
            float[] expected = lq.weights().tensor().data();
            double[] actual = forward.get(lq.layer().weightName()).data();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], (float) actual[i], 0f, lq.layer().name() + " " + i);
            }
        }
    }

    @Test
    void gradientsAreTheWeightNormalisationJacobian() {
        A2qWeightNormalization a2q = A2qWeightNormalization.of(graph, quantized);
        Map<String, DTensor> params = params(graph);
        params.putAll(a2q.init(params));
        LayerQuantization f2 = quantized.layers().get(3);
        String name = f2.layer().weightName();
        int axis = QuantizedGraph.channelAxis(f2.layer());
        double[] upstream = new double[params.get(name).size()];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < upstream.length; i++) {
            upstream[i] = random.nextGaussian();
        }
        Map<String, double[]> gradients = new LinkedHashMap<>();
        gradients.put(name, upstream.clone());
        a2q.backward(params, a2q.forward(params), gradients);
        double[] dv = gradients.get(name);
        double[] dg = gradients.get(name + A2qWeightNormalization.NORM_SUFFIX);
        int channels = f2.accumulator().scales().length;
        int k = upstream.length / channels;
        double[] v = params.get(name).data();
        double[] g = params.get(name + A2qWeightNormalization.NORM_SUFFIX).data();
        double h = 1e-6;
        for (int j = 0; j < 3; j++) {
            int i = axis == 0 ? j * k + 7 : 7 * channels + j;
            double keep = v[i];
            v[i] = keep + h;
            double plus = loss(v, g, upstream, channels, k, axis);
            v[i] = keep - h;
            double minus = loss(v, g, upstream, channels, k, axis);
            v[i] = keep;
            assertEquals((plus - minus) / (2 * h), dv[i], 1e-5 * (1 + Math.abs(dv[i])), "dv " + i);
            double gk = g[j];
            g[j] = gk + h;
            plus = loss(v, g, upstream, channels, k, axis);
            g[j] = gk - h;
            minus = loss(v, g, upstream, channels, k, axis);
            g[j] = gk;
            assertEquals((plus - minus) / (2 * h), dg[j], 1e-5 * (1 + Math.abs(dg[j])), "dg " + j);
        }
    }

    /** Σ G_i w_i with the un-rounded w = g_j v / ||v_j||_1. */
    private static double loss(double[] v, double[] g, double[] upstream, int channels, int k, int axis) {
        double sum = 0;
        for (int j = 0; j < channels; j++) {
            double n = 0;
            for (int p = 0; p < k; p++) {
                n += Math.abs(v[axis == 0 ? j * k + p : p * channels + j]);
            }
            for (int p = 0; p < k; p++) {
                int i = axis == 0 ? j * k + p : p * channels + j;
                sum += upstream[i] * g[j] * v[i] / n;
            }
        }
        return sum;
    }

    @Test
    void fineTuningKeepsTheBoundAndRecoversAccuracy() {
        DataSource train = DataSources.open("fashion-mnist", Split.TRAIN).limit(2000);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST).limit(1000);
        Tensor images = test.batch(0, test.size(), NORMALIZATION);
        double ptq = Classification.accuracy(FloatEngine.of(quantized.graph()).predict(images), test);
        Map<String, Precision> activationsOnly = new LinkedHashMap<>();
        config.layers()
                .forEach((layer, p) ->
                        activationsOnly.put(layer, new Precision(QuantizerSpec.FLOAT, p.activations(), 32)));
        Graph trainGraph = FakeQuantization.apply(
                        graph, new PrecisionConfig(Precision.FLOAT, activationsOnly), calibration)
                .graph();
        Trainer.Result r = Trainer.builder()
                .epochs(1)
                .batchSize(64)
                .learningRate(0.002)
                .weightDecay(0)
                .seed(1)
                .threads(2)
                .reparametrization(A2qWeightNormalization.of(graph, quantized))
                .build()
                .train(trainGraph, train, NORMALIZATION);
        for (LayerQuantization lq : quantized.layers()) {
            AccumulatorAware.Result a = lq.accumulator();
            float[] w = r.graph().initializers().get(lq.layer().weightName()).data();
            int channels = a.scales().length;
            int k = w.length / channels;
            int axis = QuantizedGraph.channelAxis(lq.layer());
            for (int j = 0; j < channels; j++) {
                long l1 = 0;
                for (int p = 0; p < k; p++) {
                    float x = w[axis == 0 ? j * k + p : p * channels + j] / a.scales()[j];
                    assertEquals(Math.rint(x), x, 1e-3, lq.layer().name() + " channel " + j);
                    l1 += Math.abs(Math.round(x));
                }
                assertTrue(l1 <= a.budget(), lq.layer().name() + " channel " + j + ": " + l1 + " > " + a.budget());
            }
        }
        double tuned = Classification.accuracy(FloatEngine.of(r.graph()).predict(images), test);
        assertTrue(tuned > ptq, "fine-tuned " + tuned + " vs post-training " + ptq);
    }
}
