package org.bitbudget.pipeline;

import org.bitbudget.data.Classification;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;

/**
 * Top-1 accuracy of a precision config on a fixed set of labelled images: the config is
 * fake-quantized (activation ranges calibrated on the calibration images) and run on the integer
 * engine when it can run it and {@code integer} is asked for, else on the float engine.
 */
public final class ConfigEvaluator {
    /**
     * A config's accuracy and which engine measured it.
     *
     * @param accuracy top-1 accuracy, 0…1
     * @param engine   {@code integer} or {@code float} (fake quantization)
     */
    public record Measurement(double accuracy, String engine) {}

    private final Graph graph;
    private final Tensor calibration;
    private final Tensor images;
    private final int[] labels;
    private final int threads;

    /**
     * @param graph       the float model
     * @param calibration images that calibrate activation ranges
     * @param images      images to classify
     * @param labels      their labels
     * @param threads     worker threads of the engines
     */
    public ConfigEvaluator(Graph graph, Tensor calibration, Tensor images, int[] labels, int threads) {
        this.graph = graph;
        this.calibration = calibration;
        this.images = images;
        this.labels = labels;
        this.threads = threads;
    }

    /** The float model's top-1 accuracy on the images: the reference every drop is measured from. */
    public double floatAccuracy() {
        Tensor logits = FloatEngine.builder(graph).threads(threads).build().predict(images);
        return (double) Classification.correct(Classification.predictions(logits), labels, 0) / labels.length;
    }

    /** Measures {@code config}, on the integer engine when {@code integer} is asked for and it runs the config. */
    public Measurement measure(PrecisionConfig config, boolean integer) {
        QuantizedGraph quantized = FakeQuantization.apply(graph, config, calibration);
        Tensor logits = null;
        String engine = "float";
        if (integer) {
            IntegerEngine integerEngine = null;
            try {
                integerEngine =
                        IntegerEngine.builder(graph, quantized).threads(threads).build();
            } catch (IllegalArgumentException notIntegerOnly) {
                // The config has a layer the integer kernels cannot run: fake quantization measures it.
            }
            if (integerEngine != null) {
                logits = integerEngine.predict(images);
                engine = "integer";
            }
        }
        if (logits == null) {
            logits = FloatEngine.builder(quantized.graph())
                    .threads(threads)
                    .build()
                    .predict(images);
        }
        int[] predictions = Classification.predictions(logits);
        return new Measurement((double) Classification.correct(predictions, labels, 0) / labels.length, engine);
    }
}
