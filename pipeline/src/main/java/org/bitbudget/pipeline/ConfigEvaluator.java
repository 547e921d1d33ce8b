package org.bitbudget.pipeline;

import org.bitbudget.kernels.engine.IntegerEngine;
import org.bitbudget.model.data.Classification;
import org.bitbudget.model.engine.FloatEngine;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.precision.FakeQuantization;
import org.bitbudget.model.precision.FakeQuantization.QuantizedGraph;
import org.bitbudget.model.precision.PrecisionConfig;
import org.bitbudget.model.tensor.Tensor;

/**
 * Top-1 accuracy of a precision config on a fixed set of labelled images: the config is
 * fake-quantized (activation ranges calibrated on the calibration images) and run on the integer
 * engine when it can run it and {@code integer} is asked for, else on the float engine.
 */
final class ConfigEvaluator {
    /** The accuracy and which engine measured it ({@code integer} or {@code float}). */
    record Measurement(double accuracy, String engine) {
    }

    private final Graph graph;
    private final Tensor calibration;
    private final Tensor images;
    private final int[] labels;
    private final int threads;

    ConfigEvaluator(Graph graph, Tensor calibration, Tensor images, int[] labels, int threads) {
        this.graph = graph;
        this.calibration = calibration;
        this.images = images;
        this.labels = labels;
        this.threads = threads;
    }

    Measurement measure(PrecisionConfig config, boolean integer) {
        QuantizedGraph quantized = FakeQuantization.apply(graph, config, calibration);
        Tensor logits = null;
        String engine = "float";
        if (integer) {
            IntegerEngine integerEngine = null;
            try {
                integerEngine = IntegerEngine.builder(graph, quantized).threads(threads).build();
            } catch (IllegalArgumentException notIntegerOnly) {
                // The config has a layer the integer kernels cannot run: fake quantization measures it.
            }
            if (integerEngine != null) {
                logits = integerEngine.predict(images);
                engine = "integer";
            }
        }
        if (logits == null) {
            logits = FloatEngine.builder(quantized.graph()).threads(threads).build().predict(images);
        }
        int[] predictions = Classification.predictions(logits);
        return new Measurement((double) Classification.correct(predictions, labels, 0) / labels.length, engine);
    }
}
