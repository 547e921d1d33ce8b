package org.bitbudget.sensitivity;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Split;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every registered estimator runs on both PyTorch exports: the gradient estimators (bit-gradient,
 * hessian) through the training pass's backward rules for HardSwish, HardSigmoid, LayerNormalization,
 * Erf, Softmax, attention's MatMuls and the Shape-driven reshapes, the others through single-layer
 * quantized runs. Every layer gets a finite score in each format (measured's loss rise may be slightly
 * negative), and for every estimator int2 weights score worse than int8 in total: the coarser grid does
 * more damage (per layer, or at int4 on 32 images, the stochastic estimators may tie or cross).
 */
class ExportedModelEstimatorsTest {
    private static final int IMAGES = 32;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ExportedModels.MOBILENETV3, ExportedModels.VIT})
    void everyEstimatorScoresEveryLayer(String model) {
        Graph graph = OnnxImporter.load(ExportedModels.model(model));
        DataSource train = DataSources.open("fashion-mnist", Split.TRAIN);
        Precision int8 = SensitivityEstimatorsTest.weights("int8");
        Precision int2 = SensitivityEstimatorsTest.weights("int2");
        SensitivityProblem p = SensitivityProblem.builder(graph)
                .calibration(
                        train.batch(0, IMAGES, SensitivityEstimatorsTest.NORM), Arrays.copyOf(train.labels(), IMAGES))
                .precisions(List.of(int8, int2))
                .hessianSamples(2)
                .hessianImages(16)
                .seed(7)
                .threads(2)
                .build();
        for (String name : Estimators.NAMES) {
            long t0 = System.nanoTime();
            SensitivityTable table = Estimators.of(name).estimate(p, ProgressListener.NONE);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double total8 = 0;
            double total2 = 0;
            for (Layer layer : graph.layers()) {
                double s8 = table.score(layer.name(), int8);
                double s2 = table.score(layer.name(), int2);
                assertTrue(Double.isFinite(s8), name + " " + layer.name() + " int8: " + s8);
                assertTrue(Double.isFinite(s2), name + " " + layer.name() + " int2: " + s2);
                total8 += s8;
                total2 += s2;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s %-13s %2d layers x 2 formats on %d images: %.2f s, total score int8 %.3e, int2 %.3e%n",
                    model,
                    name,
                    graph.layers().size(),
                    IMAGES,
                    seconds,
                    total8,
                    total2);
            assertTrue(total2 > total8, name + ": int2 total " + total2 + " vs int8 " + total8);
        }
    }
}
