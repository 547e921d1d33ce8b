package org.bitbudget.pipeline;

import org.bitbudget.data.Classification;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.data.metric.Top1Metric;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;

/**
 * The score of a precision config on a fixed set of images by a {@link Metric} (top-1 accuracy by
 * default), and its top-1 accuracy when the images have labels: the config is fake-quantized
 * (activation ranges calibrated on the calibration images) and run on the integer engine when it can
 * run it and {@code integer} is asked for, else on the float engine. Metrics that compare with the
 * float model compare with the float model's outputs on the same images, computed once.
 */
public final class ConfigEvaluator {
    /**
     * A config's score and which engine measured it.
     *
     * @param accuracy top-1 accuracy, 0…1 (NaN when the images have no labels)
     * @param engine   {@code integer} or {@code float} (fake quantization)
     * @param metric   the metric's name
     * @param score    the metric's score
     */
    public record Measurement(double accuracy, String engine, String metric, double score) {}

    private final Graph graph;
    private final Tensor calibration;
    private final Tensor images;
    private final int[] labels;
    private final int threads;
    private final Metric metric;
    private volatile Tensor reference;

    /** An evaluator by top-1 accuracy. */
    public ConfigEvaluator(Graph graph, Tensor calibration, Tensor images, int[] labels, int threads) {
        this(graph, calibration, images, labels, threads, new Top1Metric());
    }

    /**
     * @param graph       the float model
     * @param calibration images that calibrate activation ranges
     * @param images      images to score on
     * @param labels      their labels, or null when they have none
     * @param threads     worker threads of the engines
     * @param metric      what the score is
     */
    public ConfigEvaluator(Graph graph, Tensor calibration, Tensor images, int[] labels, int threads, Metric metric) {
        this.graph = graph;
        this.calibration = calibration;
        this.images = images;
        this.labels = labels;
        this.threads = threads;
        this.metric = metric;
    }

    /** The metric scores are measured by. */
    public Metric metric() {
        return metric;
    }

    /** The float model's top-1 accuracy on the images (NaN when they have no labels). */
    public double floatAccuracy() {
        if (labels == null) {
            return Double.NaN;
        }
        return (double) Classification.correct(Classification.predictions(reference()), labels, 0) / labels.length;
    }

    /** The float model's score by the metric on the images: the reference every drop is measured from. */
    public double floatScore() {
        Tensor ref = reference();
        return metric.score(ref, ref, labels);
    }

    /**
     * {@code config} carrying the activation encodings calibration gives it on this evaluator's
     * calibration images: measuring, evaluating or exporting the result calibrates nothing again.
     */
    public PrecisionConfig calibrated(PrecisionConfig config) {
        return FakeQuantization.calibrated(graph, config, calibration);
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
        double accuracy = Double.NaN;
        if (labels != null) {
            int[] predictions = Classification.predictions(logits);
            accuracy = (double) Classification.correct(predictions, labels, 0) / labels.length;
        }
        // A metric with labels scores against them; only the label-free ones need the float model's outputs.
        Tensor ref = metric.needsLabels() ? logits : reference();
        return new Measurement(accuracy, engine, metric.name(), metric.score(logits, ref, labels));
    }

    /** The float model's outputs on the images, computed on first use. */
    private Tensor reference() {
        Tensor r = reference;
        if (r == null) {
            synchronized (this) {
                if (reference == null) {
                    reference =
                            FloatEngine.builder(graph).threads(threads).build().predict(images);
                }
                r = reference;
            }
        }
        return r;
    }
}
