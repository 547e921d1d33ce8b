package org.bitbudget.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.Normalization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.gradients.DTensor;

/**
 * Trains a graph's weights with mini-batch SGD (momentum, weight decay on Conv/Gemm weights, a
 * learning-rate {@link Schedule}) on softmax cross-entropy, in double precision.
 *
 * <p>Deterministic for a seed: the sample order is a seeded shuffle per epoch, and each mini-batch
 * is split into a fixed number of chunks whose gradients are summed in chunk order, so the result
 * does not depend on how many threads run the chunks. BatchNorm uses each chunk's batch statistics
 * and updates its running mean and (unbiased) variance with the node's momentum, as PyTorch does.
 *
 * <pre>{@code
 * Trainer.Result r = Trainer.builder().epochs(8).seed(1).build()
 *         .train(ModelZoo.build("lenet5", true, 1), trainSplit, new Normalization(0.286f, 0.353f));
 * Graph trained = r.graph();
 * }</pre>
 */
public final class Trainer {
    /** Chunks per mini-batch: fixed so results do not depend on the thread count. */
    static final int CHUNKS = 2;

    private final int epochs;
    private final int batchSize;
    private final double learningRate;
    private final double momentum;
    private final double weightDecay;
    private final Schedule schedule;
    private final long seed;
    private final int threads;
    private final Listener listener;
    private final Reparametrization reparametrization;

    /** Hears about every step, for progress bars. */
    @FunctionalInterface
    public interface Listener {
        void onStep(Step step);
    }

    /**
     * A parametrization of some weights for quantization-aware training: the forward pass uses
     * tensors computed from the parameters (for example quantized weights), and the gradients of those
     * tensors are mapped back to the parameters (straight-through estimators, weight normalisation).
     * Without one, the trainer is plain SGD on the graph's initializers.
     */
    public interface Reparametrization {
        /**
         * Extra trainable parameters (for example per-channel norms), by names that are not the graph's;
         * called once with the initial parameters. They get momentum but no weight decay.
         */
        Map<String, DTensor> init(Map<String, DTensor> params);

        /** The tensors the forward pass uses in place of the initializers of the same names. */
        Map<String, DTensor> forward(Map<String, DTensor> params);

        /**
         * Maps the gradients of the {@link #forward} tensors (in {@code gradients}, under the
         * initializers' names) to gradients of the parameters: entries it puts replace or join those
         * of {@code gradients}.
         */
        void backward(Map<String, DTensor> params, Map<String, DTensor> forward, Map<String, double[]> gradients);

        /** Called after each update (for example to clamp a norm). */
        default void afterStep(Map<String, DTensor> params) {}
    }

    /**
     * One optimiser step.
     *
     * @param epoch           0-based epoch
     * @param step            0-based step within the epoch
     * @param steps           steps per epoch
     * @param images          images in this step
     * @param loss            mean loss of this step's batch
     * @param runningAccuracy training accuracy so far in this epoch
     * @param imagesPerSecond throughput so far in this epoch
     */
    public record Step(
            int epoch, int step, int steps, int images, double loss, double runningAccuracy, double imagesPerSecond) {}

    /**
     * The outcome.
     *
     * @param graph           the graph with trained weights and running statistics
     * @param epochLosses     mean training loss of each epoch
     * @param epochAccuracies training accuracy of each epoch
     * @param seconds         wall time of training
     * @param imagesPerSecond training images per second over the whole run
     */
    public record Result(
            Graph graph,
            List<Double> epochLosses,
            List<Double> epochAccuracies,
            double seconds,
            double imagesPerSecond) {}

    private Trainer(Builder b) {
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.weightDecay = b.weightDecay;
        this.schedule = b.schedule;
        this.seed = b.seed;
        this.threads = b.threads;
        this.listener = b.listener;
        this.reparametrization = b.reparametrization;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Trains {@code graph} (single image input, logits output) on {@code data}. */
    public Result train(Graph graph, DataSource data, Normalization norm) {
        Autodiff autodiff = new Autodiff(graph);
        String input = graph.inputs().getFirst().name();
        String output = graph.outputs().getFirst().name();
        Set<String> trainable = new HashSet<>();
        Set<String> decayed = new HashSet<>();
        Map<String, Node> batchNorms = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            addWeights(graph, n, trainable, decayed);
            if (n.op() instanceof Op.BatchNorm) {
                trainable.add(n.input(1));
                trainable.add(n.input(2));
                batchNorms.put(n.name(), n);
            }
        }
        Map<String, DTensor> params = new LinkedHashMap<>();
        graph.initializers().forEach((name, t) -> params.put(name, DTensor.from(t)));
        if (reparametrization != null) {
            Map<String, DTensor> extra = reparametrization.init(params);
            extra.forEach((name, t) -> {
                if (params.containsKey(name)) {
                    throw new IllegalArgumentException("extra parameter " + name + " clashes with an initializer");
                }
                params.put(name, t);
                trainable.add(name);
            });
        }
        Map<String, double[]> velocity = new LinkedHashMap<>();
        trainable.forEach(name -> velocity.put(name, new double[params.get(name).size()]));

        int n = data.size();
        int steps = (n + batchSize - 1) / batchSize;
        long totalSteps = (long) steps * epochs;
        int[] labels = data.labels();
        List<Double> losses = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        long started = System.nanoTime();
        long images = 0;
        try (ForkJoinPool pool = new ForkJoinPool(threads)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                int[] order = permutation(n, new SplittableRandom(seed * 1_000_003L + epoch));
                double lossSum = 0;
                long correct = 0;
                long epochStart = System.nanoTime();
                for (int step = 0; step < steps; step++) {
                    int from = step * batchSize;
                    int count = Math.min(batchSize, n - from);
                    double rate = schedule.rate(learningRate, (double) (epoch * (long) steps + step) / totalSteps);
                    Map<String, DTensor> forward = reparametrization == null ? null : reparametrization.forward(params);
                    Map<String, DTensor> stepParams = params;
                    if (forward != null) {
                        stepParams = new LinkedHashMap<>();
                        for (String name : graph.initializers().keySet()) {
                            stepParams.put(name, forward.getOrDefault(name, params.get(name)));
                        }
                    }
                    Map<String, DTensor> chunkParams = stepParams;
                    ChunkResult[] chunks = new ChunkResult[CHUNKS];
                    int chunkSize = (count + CHUNKS - 1) / CHUNKS;
                    Runnable work = () -> IntStream.range(0, CHUNKS).parallel().forEach(c -> {
                        int lo = Math.min(count, c * chunkSize);
                        int hi = Math.min(count, lo + chunkSize);
                        if (hi > lo) {
                            chunks[c] = runChunk(
                                    autodiff,
                                    input,
                                    output,
                                    chunkParams,
                                    batchNorms,
                                    data,
                                    labels,
                                    order,
                                    from + lo,
                                    hi - lo,
                                    norm);
                        }
                    });
                    pool.submit(work).join();
                    Map<String, double[]> gradient = new LinkedHashMap<>();
                    double stepLoss = 0;
                    for (ChunkResult c : chunks) {
                        if (c == null) {
                            continue;
                        }
                        double weight = (double) c.images / count;
                        stepLoss += c.loss * weight;
                        correct += c.correct;
                        for (String name : trainable) {
                            DTensor g = c.gradients.get(name);
                            if (g == null) {
                                continue;
                            }
                            double[] acc = gradient.computeIfAbsent(name, k -> new double[g.size()]);
                            double[] gd = g.data();
                            for (int i = 0; i < acc.length; i++) {
                                acc[i] += weight * gd[i];
                            }
                        }
                    }
                    if (forward != null) {
                        reparametrization.backward(params, forward, gradient);
                    }
                    updateRunningStatistics(batchNorms, params, chunks);
                    for (String name : trainable) {
                        double[] g = gradient.get(name);
                        if (g == null) {
                            continue;
                        }
                        double[] w = params.get(name).data();
                        double[] v = velocity.get(name);
                        double decay = decayed.contains(name) ? weightDecay : 0;
                        for (int i = 0; i < w.length; i++) {
                            v[i] = momentum * v[i] + g[i] + decay * w[i];
                            w[i] -= rate * v[i];
                        }
                    }
                    if (reparametrization != null) {
                        reparametrization.afterStep(params);
                    }
                    lossSum += stepLoss * count;
                    images += count;
                    if (listener != null) {
                        long seen = (long) step * batchSize + count;
                        double elapsed = (System.nanoTime() - epochStart) / 1e9;
                        listener.onStep(new Step(
                                epoch,
                                step,
                                steps,
                                count,
                                stepLoss,
                                (double) correct / seen,
                                seen / Math.max(elapsed, 1e-9)));
                    }
                }
                losses.add(lossSum / n);
                accuracies.add((double) correct / n);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, DTensor> finalWeights = reparametrization == null ? Map.of() : reparametrization.forward(params);
        Map<String, Tensor> trained = new LinkedHashMap<>();
        graph.initializers()
                .forEach((name, t) -> trained.put(
                        name, finalWeights.getOrDefault(name, params.get(name)).toFloat()));
        Graph out = new Graph(
                graph.name(), graph.opset(), graph.inputs(), graph.outputs(), trained, graph.nodes(), graph.metadata());
        return new Result(out, losses, accuracies, seconds, images / Math.max(seconds, 1e-9));
    }

    /** A weighted operator's constant weight (trained and decayed) and bias (trained). */
    private static void addWeights(Graph graph, Node n, Set<String> trainable, Set<String> decayed) {
        int w = n.op().weightInput();
        if (w >= 0 && graph.initializers().containsKey(n.input(w))) {
            trainable.add(n.input(w));
            decayed.add(n.input(w));
        }
        int b = n.op().biasInput();
        if (b >= 0 && graph.initializers().containsKey(n.input(b))) {
            trainable.add(n.input(b));
        }
    }

    /** One BatchNorm's batch mean and population variance over {@code count} values per channel. */
    private record Statistics(double[] mean, double[] variance, int count) {}

    private record ChunkResult(
            int images, double loss, int correct, Map<String, DTensor> gradients, Map<String, Statistics> statistics) {}

    private static ChunkResult runChunk(
            Autodiff autodiff,
            String input,
            String output,
            Map<String, DTensor> params,
            Map<String, Node> batchNorms,
            DataSource data,
            int[] allLabels,
            int[] order,
            int from,
            int count,
            Normalization norm) {
        int[] samples = Arrays.copyOfRange(order, from, from + count);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = allLabels[samples[i]];
        }
        Tensor images = data.gather(samples, norm);
        float[] pixels = images.data();
        double[] x = new double[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = pixels[i];
        }
        DTensor batch = DTensor.of(images.shape().dims(), x);
        Autodiff.Tape tape = autodiff.forward(Map.of(input, batch), params, true);
        SoftmaxCrossEntropy.Result loss = SoftmaxCrossEntropy.of(tape.value(output), labels);
        Map<String, DTensor> gradients = autodiff.backward(tape, Map.of(output, loss.gradient()), false);
        Map<String, Statistics> statistics = new LinkedHashMap<>();
        tape.batchStatistics().forEach((name, s) -> {
            int[] shape = tape.value(batchNorms.get(name).input(0)).shape();
            int values = 1;
            for (int d : shape) {
                values *= d;
            }
            statistics.put(name, new Statistics(s[0].data(), s[1].data(), values / shape[1]));
        });
        return new ChunkResult(count, loss.loss(), loss.correct(), gradients, statistics);
    }

    private static void updateRunningStatistics(
            Map<String, Node> batchNorms, Map<String, DTensor> params, ChunkResult[] chunks) {
        for (var e : batchNorms.entrySet()) {
            Node node = e.getValue();
            double m = ((Op.BatchNorm) node.op()).momentum();
            double[] mean = params.get(node.input(3)).data();
            double[] var = params.get(node.input(4)).data();
            for (ChunkResult c : chunks) {
                if (c == null) {
                    continue;
                }
                Statistics stats = c.statistics.get(e.getKey());
                double unbiased = stats.count() > 1 ? (double) stats.count() / (stats.count() - 1) : 1;
                for (int ch = 0; ch < mean.length; ch++) {
                    mean[ch] = m * mean[ch] + (1 - m) * stats.mean()[ch];
                    var[ch] = m * var[ch] + (1 - m) * stats.variance()[ch] * unbiased;
                }
            }
        }
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Options of a {@link Trainer}, validated by {@link #build()}. */
    public static final class Builder {
        private int epochs = 8;
        private int batchSize = 64;
        private double learningRate = 0.05;
        private double momentum = 0.9;
        private double weightDecay = 5e-4;
        private Schedule schedule = Schedule.COSINE;
        private long seed;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Listener listener;
        private Reparametrization reparametrization;

        private Builder() {}

        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder schedule(Schedule schedule) {
            this.schedule = Objects.requireNonNull(schedule);
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

        public Builder listener(Listener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Trains through {@code r} (quantization-aware training); the result's weights are
         * {@link Reparametrization#forward} of the final parameters. Null (the default) for none.
         */
        public Builder reparametrization(Reparametrization r) {
            this.reparametrization = r;
            return this;
        }

        /** @throws IllegalArgumentException naming the first option out of range */
        public Trainer build() {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            if (batchSize < CHUNKS) {
                throw new IllegalArgumentException("batch size must be at least " + CHUNKS + ", got " + batchSize);
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
            }
            if (momentum < 0 || momentum >= 1) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            if (weightDecay < 0) {
                throw new IllegalArgumentException("weight decay must be 0 or more, got " + weightDecay);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            return new Trainer(this);
        }
    }
}
