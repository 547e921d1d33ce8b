package org.bitbudget.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Autodiff}'s forward pass against the float engine on LeNet-5, training-mode batch
 * statistics against a plain two-pass mean and population variance, concurrent use from several
 * threads, {@link SoftmaxCrossEntropy}'s values, and the API's refusals.
 */
class AutodiffTest {
    private static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);

    private static Graph lenet;
    private static DataSource test;

    @BeforeAll
    static void load() {
        lenet = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        test = DataSources.open("fashion-mnist", Split.TEST);
    }

    private static Map<String, DTensor> lenetInput(int from, int count) {
        return Map.of(lenet.inputs().getFirst().name(), DTensor.from(test.batch(from, count, FASHION_MNIST)));
    }

    @Test
    void lenetForwardMatchesTheFloatEngine() {
        Tensor images = test.batch(0, 64, FASHION_MNIST);
        Tensor expected = FloatEngine.builder(lenet).threads(1).build().predict(images);
        String output = lenet.outputs().getFirst().name();
        Autodiff ad = new Autodiff(lenet);
        DTensor logits = ad.forward(lenetInput(0, 64), Map.of(), false).value(output);
        assertArrayEquals(new int[] {64, 10}, logits.shape());
        double worst = 0;
        for (int i = 0; i < logits.size(); i++) {
            assertEquals(expected.data()[i], logits.data()[i], 1e-4, "logit " + i);
            worst = Math.max(worst, Math.abs(expected.data()[i] - logits.data()[i]));
        }
        System.out.printf("lenet5 forward vs FloatEngine, 64 images: max |difference| %.2e%n", worst);
        // LeNet-5 has no BatchNorm, so training mode changes nothing.
        assertArrayEquals(
                logits.data(),
                ad.forward(lenetInput(0, 64), Map.of(), true).value(output).data());
    }

    @Test
    void trainingBatchNormUsesTheBatchMeanAndPopulationVariance() {
        TinyGraph t = new TinyGraph(7);
        String x = t.input("x", t.gaussian(4 * 3 * 2 * 5, 3f), 4, 3, 2, 5);
        String scale = t.param("scale", 3);
        String bias = t.param("bias", 3);
        String mean = t.param("mean", 3);
        String var = t.param("var", t.uniform(3, 0.5f, 1.5f), 3);
        Graph base = t.build();
        Node bn = new Node(
                "bn",
                new Op.BatchNorm(1e-3f, 0.8f, true),
                List.of(x, scale, bias, mean, var),
                List.of("y", "running_mean", "running_var"));
        Graph g = new Graph(
                "bn",
                15,
                base.inputs(),
                List.of(new ValueInfo("y", DataType.FLOAT, List.of())),
                base.initializers(),
                List.of(bn),
                Map.of());
        Autodiff.Tape tape = new Autodiff(g).forward(t.inputs(), Map.of(), true);

        double[] v = t.inputs().get(x).data();
        double[] expectedMean = new double[3];
        double[] expectedVar = new double[3];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int n = 0; n < 4; n++) {
                for (int i = 0; i < 10; i++) {
                    sum += v[(n * 3 + c) * 10 + i];
                }
            }
            expectedMean[c] = sum / 40;
            double sq = 0;
            for (int n = 0; n < 4; n++) {
                for (int i = 0; i < 10; i++) {
                    double d = v[(n * 3 + c) * 10 + i] - expectedMean[c];
                    sq += d * d;
                }
            }
            expectedVar[c] = sq / 40;
        }
        DTensor[] stats = tape.batchStatistics().get("bn");
        assertArrayEquals(expectedMean, stats[0].data(), 1e-12);
        assertArrayEquals(expectedVar, stats[1].data(), 1e-12);

        double[] y = tape.value("y").data();
        double[] s = t.params().get(scale).data();
        double[] b = t.params().get(bias).data();
        double[] runMean = t.params().get(mean).data();
        double[] runVar = t.params().get(var).data();
        for (int n = 0; n < 4; n++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 10; i++) {
                    int at = (n * 3 + c) * 10 + i;
                    double want = (v[at] - expectedMean[c]) / Math.sqrt(expectedVar[c] + 1e-3f) * s[c] + b[c];
                    assertEquals(want, y[at], 1e-12);
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(
                    runMean[c] * 0.8f + expectedMean[c] * (1 - 0.8f),
                    tape.value("running_mean").data()[c],
                    1e-12);
            assertEquals(
                    runVar[c] * 0.8f + expectedVar[c] * (1 - 0.8f),
                    tape.value("running_var").data()[c],
                    1e-12);
        }
    }

    @Test
    void inferenceBatchNormRecordsNoStatistics() {
        TinyGraph t = new TinyGraph(8);
        String x = t.input("x", 2, 3, 4);
        String y = t.node(
                "bn",
                new Op.BatchNorm(1e-5f, 0.9f, false),
                x,
                t.param("s", 3),
                t.param("b", 3),
                t.param("m", 3),
                t.param("v", t.uniform(3, 0.5f, 1.5f), 3));
        Autodiff ad = new Autodiff(t.build(y));
        assertTrue(ad.forward(t.inputs(), Map.of(), false).batchStatistics().isEmpty());
        assertEquals(
                List.of("bn"),
                List.copyOf(
                        ad.forward(t.inputs(), Map.of(), true).batchStatistics().keySet()));
    }

    /** Forward and backward of LeNet-5 on several threads at once give bit-identical gradients. */
    @Test
    void concurrentPassesOnOneInstanceAgreeWithSequentialOnes() throws Exception {
        Autodiff ad = new Autodiff(lenet);
        String output = lenet.outputs().getFirst().name();
        int batches = 6;
        List<Map<String, DTensor>> sequential = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            sequential.add(gradients(ad, output, b));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Map<String, DTensor>>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int b = 0; b < batches; b++) {
                    int batch = b;
                    futures.add(pool.submit(() -> gradients(ad, output, batch)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                Map<String, DTensor> got = futures.get(i).get();
                Map<String, DTensor> want = sequential.get(i % batches);
                assertEquals(want.keySet(), got.keySet());
                for (String name : want.keySet()) {
                    assertArrayEquals(want.get(name).data(), got.get(name).data(), name);
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    private static Map<String, DTensor> gradients(Autodiff ad, String output, int batch) {
        Autodiff.Tape tape = ad.forward(lenetInput(batch * 16, 16), Map.of(), true);
        int[] labels = Arrays.copyOfRange(test.labels(), batch * 16, batch * 16 + 16);
        return ad.backward(
                tape,
                Map.of(
                        output,
                        SoftmaxCrossEntropy.of(tape.value(output), labels).gradient()));
    }

    /** As in the forward's rule, the first of equal maxima (row-major) takes the whole gradient. */
    @Test
    void maxPoolTiesSendTheGradientToTheFirstMaximum() {
        TinyGraph t = new TinyGraph(11);
        String x = t.input("x", new float[] {1, 3, 3, 0, 2, 3, 3, 3}, 1, 1, 2, 4);
        String y = t.node(
                "pool",
                new Op.Pool(
                        Op.Pool.Kind.MAX,
                        new int[] {2, 2},
                        new int[] {2, 2},
                        null,
                        null,
                        false,
                        false,
                        Op.AutoPad.NOTSET,
                        0),
                x);
        Autodiff ad = new Autodiff(t.build(y));
        Autodiff.Tape tape = ad.forward(t.inputs(), Map.of(), false);
        assertArrayEquals(new double[] {3, 3}, tape.value(y).data());
        Map<String, DTensor> grads =
                ad.backward(tape, Map.of(y, DTensor.of(new int[] {1, 1, 1, 2}, new double[] {10, 20})));
        assertArrayEquals(new double[] {0, 10, 20, 0, 0, 0, 0, 0}, grads.get(x).data());
    }

    @Test
    void backwardWithoutInputGradientsGivesTheSameParameterGradients() {
        Autodiff ad = new Autodiff(lenet);
        String output = lenet.outputs().getFirst().name();
        String input = lenet.inputs().getFirst().name();
        Autodiff.Tape tape = ad.forward(lenetInput(0, 8), Map.of(), true);
        Map<String, DTensor> dy = Map.of(
                output,
                SoftmaxCrossEntropy.of(tape.value(output), Arrays.copyOf(test.labels(), 8))
                        .gradient());
        Map<String, DTensor> all = ad.backward(tape, dy);
        Map<String, DTensor> params = ad.backward(tape, dy, false);
        assertTrue(all.containsKey(input));
        assertArrayEquals(new int[] {8, 1, 28, 28}, all.get(input).shape());
        assertFalse(params.containsKey(input));
        assertEquals(10, params.size());
        for (var e : params.entrySet()) {
            assertArrayEquals(all.get(e.getKey()).data(), e.getValue().data(), e.getKey());
        }
    }

    @Test
    void gradientsCoverFloatInitializersOnlyAndAreTheCallers() {
        TinyGraph t = new TinyGraph(9);
        String x = t.input("x", 2, 6);
        String r = t.node("reshape", new Op.Reshape(false, null), x, t.shape("shape", 0, 2, 3));
        String y = t.node("id", new Op.Unary(Op.Unary.Kind.IDENTITY), r);
        Autodiff ad = new Autodiff(t.build(y));
        Autodiff.Tape tape = ad.forward(t.inputs(), Map.of(), false);
        DTensor dy = DTensor.of(new int[] {2, 2, 3}, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        Map<String, DTensor> grads = ad.backward(tape, Map.of(y, dy));
        assertEquals(List.of("x"), List.copyOf(grads.keySet()));
        assertArrayEquals(new int[] {2, 6}, grads.get("x").shape());
        // Identity and Reshape pass dY's values through; the result must still not alias the caller's array.
        assertArrayEquals(dy.data(), grads.get("x").data());
        grads.get("x").data()[0] = -1;
        assertEquals(1, dy.data()[0]);
    }

    @Test
    void refusesWhatItCannotUse() {
        TinyGraph t = new TinyGraph(10);
        String y = t.node("gemm", new Op.Gemm(1f, 1f, false, false), t.input("x", 2, 3), t.param("w", 3, 4));
        Graph g = t.build(y);
        Autodiff ad = new Autodiff(g);
        assertThrows(
                IllegalArgumentException.class, () -> ad.forward(t.inputs(), Map.of("nope", DTensor.zeros(1)), false));
        assertThrows(
                IllegalArgumentException.class, () -> ad.forward(t.inputs(), Map.of("w", DTensor.zeros(4, 3)), false));
        assertThrows(UserInputException.class, () -> ad.forward(Map.of(), Map.of(), false));
        assertThrows(UserInputException.class, () -> ad.forward(Map.of("x", DTensor.zeros(2, 5)), Map.of(), false));
        Autodiff.Tape tape = ad.forward(t.inputs(), Map.of(), false);
        assertThrows(IllegalArgumentException.class, () -> ad.backward(tape, Map.of(y, DTensor.zeros(4, 2))));
        assertThrows(IllegalArgumentException.class, () -> ad.backward(tape, Map.of("missing", DTensor.zeros(1))));
        assertThrows(
                IllegalArgumentException.class, () -> new Autodiff(g).backward(tape, Map.of(y, DTensor.zeros(2, 4))));
        assertThrows(IllegalArgumentException.class, () -> tape.value("missing"));
    }

    @Test
    void softmaxCrossEntropyValues() {
        // Row 0: logits (0, ln 3) -> softmax (1/4, 3/4); row 1: (2, 2) -> (1/2, 1/2), a tie.
        DTensor logits = DTensor.of(new int[] {2, 2}, new double[] {0, Math.log(3), 2, 2});
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.of(logits, new int[] {0, 0});
        assertEquals((Math.log(4) + Math.log(2)) / 2, r.loss(), 1e-15);
        assertArrayEquals(
                new double[] {(0.25 - 1) / 2, 0.75 / 2, (0.5 - 1) / 2, 0.5 / 2},
                r.gradient().data(),
                1e-15);
        // Row 0 predicts class 1 (wrong); row 1's tie goes to the first class (right).
        assertEquals(1, r.correct());
        assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.of(logits, new int[] {0, 2}));
        assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.of(logits, new int[] {0}));
        // Large logits do not overflow.
        SoftmaxCrossEntropy.Result big =
                SoftmaxCrossEntropy.of(DTensor.of(new int[] {1, 2}, new double[] {1000, 0}), new int[] {1});
        assertEquals(1000, big.loss(), 1e-9);
    }

    @Test
    void tensorsConvertToAndFromFloat() {
        Tensor f = test.batch(0, 2, FASHION_MNIST);
        DTensor d = DTensor.from(f);
        assertArrayEquals(f.shape().dims(), d.shape());
        assertArrayEquals(f.data(), d.toFloat().data());
        assertEquals(f.shape(), d.toFloat().shape());
        assertThrows(IllegalArgumentException.class, () -> DTensor.of(new int[] {2, 2}, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> DTensor.zeros(2, -1));
    }
}
