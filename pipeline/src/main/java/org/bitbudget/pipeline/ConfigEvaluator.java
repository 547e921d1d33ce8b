package org.bitbudget.pipeline;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.data.metric.Top1Metric;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
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

    /** Images per engine call of a {@link #cancellable} evaluator. */
    static final int CHUNK = 256;

    private final Graph graph;
    private final Tensor calibration;
    private final Tensor images;
    private final int[] labels;
    private final int threads;
    private final Metric metric;
    private final AtomicBoolean cancel;
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
        this(graph, calibration, images, labels, threads, metric, null);
    }

    private ConfigEvaluator(
            Graph graph,
            Tensor calibration,
            Tensor images,
            int[] labels,
            int threads,
            Metric metric,
            AtomicBoolean cancel) {
        this.graph = graph;
        this.calibration = calibration;
        this.images = images;
        this.labels = labels;
        this.threads = threads;
        this.metric = metric;
        this.cancel = cancel;
    }

    /**
     * An evaluator of {@code samples}' evaluation images (activation ranges calibrated on its calibration
     * images) whose measurements a set {@code cancel} stops.
     */
    static ConfigEvaluator onEvaluationImages(
            Graph graph, SearchData.Samples samples, int threads, Metric metric, AtomicBoolean cancel) {
        return new ConfigEvaluator(
                        graph,
                        samples.calibrationImages(),
                        samples.evaluationImages(),
                        samples.evaluationLabels(),
                        threads,
                        metric)
                .cancellable(cancel);
    }

    /**
     * An evaluator of the calibration-set images that follow the run's {@code samples} calibration images
     * (as many again, fewer where the set ends; activation ranges still calibrated on the run's
     * calibration images): images no phase has scored a config on. Null when fewer than two remain, or
     * when the set has no labels and the metric needs them.
     */
    static ConfigEvaluator onFurtherCalibrationImages(
            Graph graph,
            SearchData data,
            SearchData.Samples samples,
            int threads,
            Metric metric,
            AtomicBoolean cancel) {
        DataSource train = data.train();
        int from = samples.calibrationImages().shape().dim(0);
        int count = Math.min(from, train.size() - from);
        if (count < 2 || (metric.needsLabels() && !train.labelled())) {
            return null;
        }
        return new ConfigEvaluator(
                        graph,
                        samples.calibrationImages(),
                        train.batch(from, count, data.normalization()),
                        train.labelled() ? Arrays.copyOfRange(train.labels(), from, from + count) : null,
                        threads,
                        metric)
                .cancellable(cancel);
    }

    /** The number of images scored on. */
    int images() {
        return images.shape().dim(0);
    }

    /**
     * This evaluator, measuring in chunks of {@value #CHUNK} images and giving a measurement up (with
     * {@link RunStopped}) as soon as {@code cancel} is set: a Ctrl-C never waits for a whole evaluation
     * set. The outputs are those of one pass, as no engine mixes the images of a batch. A null flag
     * gives this evaluator.
     */
    ConfigEvaluator cancellable(AtomicBoolean cancel) {
        if (cancel == null) {
            return this;
        }
        return new ConfigEvaluator(graph, calibration, images, labels, threads, metric, cancel);
    }

    /** The metric scores are measured by. */
    public Metric metric() {
        return metric;
    }

    /** The float model's top-1 accuracy on the images (NaN when they have no labels, or after a cancel). */
    public double floatAccuracy() {
        if (labels == null) {
            return Double.NaN;
        }
        try {
            return (double) Classification.correct(Classification.predictions(reference()), labels, 0) / labels.length;
        } catch (RunStopped stopped) {
            return Double.NaN;
        }
    }

    /**
     * The float model's score by the metric on the images: the reference every drop is measured from
     * (NaN after a cancel).
     */
    public double floatScore() {
        try {
            Tensor ref = reference();
            return metric.score(ref, ref, labels);
        } catch (RunStopped stopped) {
            return Double.NaN;
        }
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
                logits = predict(integerEngine::predict);
                engine = "integer";
            }
        }
        if (logits == null) {
            FloatEngine fakeQuantized =
                    FloatEngine.builder(quantized.graph()).threads(threads).build();
            logits = predict(fakeQuantized::predict);
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

    /** The engine's outputs on the images: in one pass, or chunk by chunk when a cancel may stop it. */
    private Tensor predict(UnaryOperator<Tensor> engine) {
        int n = images.shape().dim(0);
        if (cancel == null || n == 0) {
            return engine.apply(images);
        }
        int per = images.shape().size() / n;
        float[] in = images.data();
        float[] out = null;
        Shape outShape = null;
        int perOut = 0;
        for (int start = 0; start < n; start += CHUNK) {
            if (cancel.get()) {
                throw new RunStopped();
            }
            int count = Math.min(CHUNK, n - start);
            Tensor part = Tensor.of(
                    images.shape().with(0, count), Arrays.copyOfRange(in, start * per, (start + count) * per));
            Tensor logits = engine.apply(part);
            if (out == null) {
                perOut = logits.shape().size() / count;
                out = new float[n * perOut];
                outShape = logits.shape().with(0, n);
            }
            System.arraycopy(logits.data(), 0, out, start * perOut, count * perOut);
        }
        return Tensor.of(outShape, out);
    }

    /** The float model's outputs on the images, computed on first use. */
    private Tensor reference() {
        Tensor r = reference;
        if (r == null) {
            synchronized (this) {
                if (reference == null) {
                    FloatEngine engine =
                            FloatEngine.builder(graph).threads(threads).build();
                    reference = predict(engine::predict);
                }
                r = reference;
            }
        }
        return r;
    }
}
