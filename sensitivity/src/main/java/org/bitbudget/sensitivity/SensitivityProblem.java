package org.bitbudget.sensitivity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.data.metric.Top1Metric;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.tensor.Tensor;

/**
 * What a {@link SensitivityEstimator} scores: a model, calibration images with their labels, the
 * candidate precisions of every layer, a seed and a thread count. Immutable; build one with
 * {@link #builder(Graph)}.
 *
 * <pre>{@code
 * SensitivityProblem p = SensitivityProblem.builder(graph)
 *         .calibration(images, labels)                    // [N, 1, 28, 28] and N labels
 *         .precisions(List.of(int8, int4, int2))           // every layer, or .precisions(layer, list)
 *         .seed(0).threads(2).build();
 * SensitivityTable t = Estimators.of("hessian").estimate(p, ProgressListener.NONE);
 * }</pre>
 *
 * @param graph          the float model (one image input, logits output)
 * @param images         calibration images, batch on axis 0
 * @param labels         one class per calibration image
 * @param activationCalibration images that calibrate activation quantizers' ranges (by default the
 *                       calibration images; kept when {@link #withData} scores other images)
 * @param precisions     per layer name (every layer of {@code graph}, in graph order), its candidates
 * @param seed           seeds every random choice (Hutchinson's probe vectors)
 * @param threads        worker threads
 * @param batchSize      images per forward/backward pass of the gradient-based estimators
 * @param hessianSamples Hutchinson probe vectors of the {@code hessian} estimator
 * @param hessianImages  the {@code hessian} estimator uses only the first this many images (each probe
 *                       costs two backward passes over them)
 * @param metric         what the {@code measured} estimator's damage is measured by (default {@code
 *                       top1}: the rise of the cross-entropy)
 */
public record SensitivityProblem(
        Graph graph,
        Tensor images,
        int[] labels,
        Tensor activationCalibration,
        Map<String, List<Precision>> precisions,
        long seed,
        int threads,
        int batchSize,
        int hessianSamples,
        int hessianImages,
        Metric metric) {
    /** Default images per gradient pass. */
    public static final int DEFAULT_BATCH = 64;
    /** Default Hutchinson probe vectors. */
    public static final int DEFAULT_HESSIAN_SAMPLES = 16;
    /** Default images of the Hessian estimate. */
    public static final int DEFAULT_HESSIAN_IMAGES = 128;

    public SensitivityProblem {
        Objects.requireNonNull(graph);
        Objects.requireNonNull(images);
        Objects.requireNonNull(labels);
        if (activationCalibration == null) {
            activationCalibration = images;
        }
        if (metric == null) {
            metric = new Top1Metric();
        }
        if (images.shape().rank() < 1 || images.shape().dim(0) != labels.length) {
            throw new IllegalArgumentException(
                    "images " + images.shape() + " do not match " + labels.length + " labels");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("no calibration images");
        }
        if (threads < 1 || batchSize < 1 || hessianSamples < 1 || hessianImages < 1) {
            throw new IllegalArgumentException("threads, batch size, Hessian samples and images must be at least 1");
        }
        Map<String, List<Precision>> copy = new LinkedHashMap<>();
        for (Layer layer : graph.layers()) {
            List<Precision> list = precisions.get(layer.name());
            if (list == null) {
                throw new IllegalArgumentException("no candidate precisions for layer " + layer.name());
            }
            copy.put(layer.name(), List.copyOf(list));
        }
        for (String name : precisions.keySet()) {
            if (!copy.containsKey(name)) {
                throw new IllegalArgumentException("no layer " + name + " in " + graph.name());
            }
        }
        precisions = Collections.unmodifiableMap(copy);
        labels = labels.clone();
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    /** Number of calibration images. */
    public int size() {
        return labels.length;
    }

    /** Rows every estimator's table has: the sum over layers of their candidates. */
    public int cells() {
        return precisions.values().stream().mapToInt(List::size).sum();
    }

    /** Every distinct candidate precision, in first-seen order. */
    public List<Precision> distinctPrecisions() {
        List<Precision> out = new ArrayList<>();
        precisions
                .values()
                .forEach(list -> list.stream().filter(p -> !out.contains(p)).forEach(out::add));
        return out;
    }

    /** This problem on its first {@code count} images only (all of them when it has no more). */
    public SensitivityProblem head(int count) {
        if (count >= size()) {
            return this;
        }
        int per = images.shape().size() / size();
        Tensor part = Tensor.of(images.shape().with(0, count), java.util.Arrays.copyOf(images.data(), count * per));
        return new SensitivityProblem(
                graph,
                part,
                java.util.Arrays.copyOf(labels, count),
                activationCalibration,
                precisions,
                seed,
                threads,
                batchSize,
                hessianSamples,
                hessianImages,
                metric);
    }

    /** This problem on other images (same graph, candidates, seed and options). */
    public SensitivityProblem withData(Tensor images, int[] labels) {
        return new SensitivityProblem(
                graph,
                images,
                labels,
                activationCalibration,
                precisions,
                seed,
                threads,
                batchSize,
                hessianSamples,
                hessianImages,
                metric);
    }

    public static Builder builder(Graph graph) {
        return new Builder(graph);
    }

    /** Builds a {@link SensitivityProblem}. */
    public static final class Builder {
        private final Graph graph;
        private Tensor images;
        private int[] labels;
        private Tensor activationCalibration;
        private final Map<String, List<Precision>> precisions = new LinkedHashMap<>();
        private long seed;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int batchSize = DEFAULT_BATCH;
        private int hessianSamples = DEFAULT_HESSIAN_SAMPLES;
        private int hessianImages = DEFAULT_HESSIAN_IMAGES;
        private Metric metric;

        private Builder(Graph graph) {
            this.graph = Objects.requireNonNull(graph);
        }

        public Builder calibration(Tensor images, int[] labels) {
            this.images = images;
            this.labels = labels;
            return this;
        }

        /** Images that calibrate activation ranges (default: the calibration images). */
        public Builder activationCalibration(Tensor images) {
            this.activationCalibration = images;
            return this;
        }

        /** The same candidates for every layer. */
        public Builder precisions(List<Precision> candidates) {
            graph.layers().forEach(l -> precisions.put(l.name(), candidates));
            return this;
        }

        /** The candidates of one layer. */
        public Builder precisions(String layer, List<Precision> candidates) {
            precisions.put(layer, candidates);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder hessianSamples(int samples) {
            this.hessianSamples = samples;
            return this;
        }

        public Builder hessianImages(int images) {
            this.hessianImages = images;
            return this;
        }

        /** What the {@code measured} estimator's damage is measured by (default {@code top1}). */
        public Builder metric(Metric metric) {
            this.metric = metric;
            return this;
        }

        public SensitivityProblem build() {
            return new SensitivityProblem(
                    graph,
                    images,
                    labels,
                    activationCalibration,
                    precisions,
                    seed,
                    threads,
                    batchSize,
                    hessianSamples,
                    hessianImages,
                    metric);
        }
    }
}
