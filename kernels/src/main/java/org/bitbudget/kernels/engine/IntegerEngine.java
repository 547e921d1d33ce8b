package org.bitbudget.kernels.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Runs a quantized CNN with integer tensors between layers, the integer counterpart of running
 * {@link FakeQuantization}'s graph on the float engine.
 *
 * <p>Each layer's input is quantized (from the float input) or requantized (from int32 accumulators,
 * per output channel with a fixed-point multiplier and gemmlowp rounding) to the layer's input
 * format. A Conv, Gemm or MatMul multiplies those codes with its weight codes on one of the
 * {@link KernelPath}s — codes on fp32 FMA in exact blocks flushed into int32, int8 into int32, int16
 * where a bound proves it safe, or bit-serial popcounts for at most 4-bit operands — shifts the sums
 * left by the fraction bits their range bound leaves
 * free and adds the bias rounded to that resolution. ReLU, Clip, MaxPool and Flatten between layers
 * run on the codes (a ReLU or Clip as the requantization's clamp); residual Adds, average pooling
 * and the graph output use the accumulators, the Add rescaling both sides to a common unit. Grouped
 * and depthwise convolutions run one GEMM per group; a Gemm or MatMul multiplies every row of an input
 * of any rank. Weights must be signed integers of at most 8 bits or fp4-e2m1/fp6-e2m3 minifloats
 * (through a lookup table to int8 codes), per tensor or per channel; inputs integers of at most 8
 * bits; BatchNorm must be folded first. Other layer precisions are refused, naming the layer.
 *
 * <p>Operators without an integer form (HardSwish, LayerNormalization, Softmax, a MatMul between two
 * activations, a layer without an integer kernel, ...) run in <em>float islands</em>, as ONNX Runtime
 * runs a QDQ graph: the accumulators that feed them are dequantized, they run on the float engine's
 * kernels, and the next layer quantizes their result to its own input format; a HardSwish between a
 * layer and the next runs in the step that quantizes for the next layer, on the same floats in the
 * accumulators' order ({@link Builder#fuseActivations}). {@link #floatNodes}
 * lists them; {@link #kernels} says for every layer which path it ran on.
 *
 * <pre>{@code
 * IntegerEngine engine = IntegerEngine.builder(graph, FakeQuantization.apply(graph, config, calibration))
 *         .threads(2).build();
 * Tensor logits = engine.predict(images); // [N, 1, 28, 28] -> [N, 10]
 * }</pre>
 */
public final class IntegerEngine {
    /**
     * Images per task: enough rows to keep the GEMMs busy, and a batch of 256 split into eight tasks
     * for two threads to share (with 64 images, four tasks, resnet8 W8A8 went 1.2-1.6x from 1 to 2
     * threads in a direct timing loop; 16 cost resnet8 time on one thread).
     */
    static final int CHUNK = 32;

    /**
     * Time of one layer in {@link #profile}: its GEMM plus the input (re)quantization, pooling and
     * flattening that feed it, the float islands it is the first to read, and the accumulator steps
     * (Add, pooling) that follow it; an island feeding the graph output counts toward the last layer.
     *
     * @param layer        the layer name
     * @param milliseconds mean time per call of the profiled batch
     */
    public record LayerTime(String layer, double milliseconds) {}

    private final List<Step> steps;
    private final int slots;
    private final int outputSlot;
    private final float[] outputUnits;
    private final float[] outputOffsets;
    private final Shape outputShape;
    private final Map<String, KernelPath> kernels;
    private final Map<String, String> floatNodes;
    private final int threads;
    private final ForkJoinPool pool;

    /**
     * Each thread's slots, kept from one chunk to the next: a step whose output slot still holds the
     * previous chunk's value of the same size writes into its array instead of a fresh one (fresh
     * arrays of megabytes cost zeroing and cache misses per chunk, twice over with two threads). A
     * chunk runs start to end on one thread and the plan writes every slot before reading it, so the
     * old value is dead when it is overwritten, and no array is shared between threads.
     */
    private final ThreadLocal<Object[]> chunkSlots;

    IntegerEngine(
            List<Step> steps,
            int slots,
            int outputSlot,
            float[] outputUnits,
            float[] outputOffsets,
            Shape outputShape,
            Map<String, KernelPath> kernels,
            Map<String, String> floatNodes,
            int threads) {
        this.steps = List.copyOf(steps);
        this.slots = slots;
        this.outputSlot = outputSlot;
        this.outputUnits = outputUnits;
        this.outputOffsets = outputOffsets;
        this.outputShape = outputShape;
        this.kernels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kernels));
        this.floatNodes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(floatNodes));
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
        this.chunkSlots = ThreadLocal.withInitial(() -> new Object[slots]);
    }

    /** A builder for the engine of {@code graph} (the float model) quantized as {@code quantized}. */
    public static Builder builder(Graph graph, QuantizedGraph quantized) {
        return new Builder(graph, quantized);
    }

    /**
     * Quantizes {@code graph} with {@code config}, calibrating activation ranges on
     * {@code calibration}, and lowers it with the default options.
     *
     * @throws IllegalArgumentException naming the layer or node the engine cannot run
     */
    public static IntegerEngine of(Graph graph, PrecisionConfig config, Tensor calibration) {
        return of(graph, FakeQuantization.apply(graph, config, calibration));
    }

    /**
     * Lowers {@code graph} (the float model) with the scales and zero points that {@code quantized}
     * (its {@link FakeQuantization#apply}) chose, so that both run the same quantization; all cores.
     *
     * @throws IllegalArgumentException naming the layer or node the engine cannot run
     */
    public static IntegerEngine of(Graph graph, QuantizedGraph quantized) {
        return builder(graph, quantized).build();
    }

    /**
     * The kernel each layer runs on, in layer order: an integer one, or {@link KernelPath#FLOAT} for a
     * layer without an integer kernel that runs in a float island; then each activation-only layer
     * the config quantizes, {@link KernelPath#FLOAT}: its operands' quantizers and the MatMul run in a
     * float island.
     */
    public Map<String, KernelPath> kernels() {
        return new LinkedHashMap<>(kernels);
    }

    /** Every node that runs in a float island (node name to operator type), in the order they run. */
    public Map<String, String> floatNodes() {
        return new LinkedHashMap<>(floatNodes);
    }

    /** The plan's steps in the order they run, for tests of the lowering. */
    List<Step> steps() {
        return steps;
    }

    /** Slots the plan's steps read and write, for tests of the lowering. */
    int slots() {
        return slots;
    }

    /** Threads {@link #predict} uses. */
    public int threads() {
        return threads;
    }

    /** Float outputs of float images [N, C, H, W] ([N, C, L] for 1-D, [N, K] for a model starting with a Gemm). */
    public Tensor predict(Tensor images) {
        Shape shape = images.shape();
        int n = checkBatch(shape);
        int per = outputShape.size() / Math.max(1, outputShape.dim(0));
        float[] out = new float[n * per];
        Runnable all = () -> IntStream.range(0, Math.ceilDiv(n, CHUNK))
                .parallel()
                .forEach(chunk -> runChunk(images, chunk, out, null));
        if (pool == null) {
            for (int chunk = 0; chunk < Math.ceilDiv(n, CHUNK); chunk++) {
                runChunk(images, chunk, out, null);
            }
        } else {
            pool.submit(all).join();
        }
        int[] dims = outputShape.dims().clone();
        dims[0] = n;
        return Tensor.of(Shape.of(dims), out);
    }

    /**
     * Per-layer time of {@code images} on one thread, the mean of {@code repeats} runs after one
     * warm-up run, in layer order.
     */
    public List<LayerTime> profile(Tensor images, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        int n = checkBatch(images.shape());
        int per = outputShape.size() / Math.max(1, outputShape.dim(0));
        float[] out = new float[n * per];
        Map<String, long[]> nanos = new LinkedHashMap<>();
        for (String layer : kernels.keySet()) {
            nanos.put(layer, new long[1]);
        }
        for (int run = 0; run <= repeats; run++) {
            Map<String, long[]> target = run == 0 ? new LinkedHashMap<>() : nanos;
            for (int chunk = 0; chunk < Math.ceilDiv(n, CHUNK); chunk++) {
                runChunk(images, chunk, out, target);
            }
        }
        return nanos.entrySet().stream()
                .map(e -> new LayerTime(e.getKey(), e.getValue()[0] / 1e6 / repeats))
                .toList();
    }

    private int checkBatch(Shape shape) {
        if (shape.rank() < 2 || shape.rank() > 4) {
            throw new IllegalArgumentException("images must be [N, C, H, W], [N, C, L] or [N, K], got " + shape);
        }
        return shape.dim(0);
    }

    private void runChunk(Tensor images, int chunk, float[] out, Map<String, long[]> nanos) {
        Shape shape = images.shape();
        int n = shape.dim(0);
        int from = chunk * CHUNK;
        int count = Math.min(CHUNK, n - from);
        int c = shape.dim(1);
        int h = shape.rank() == 4 ? shape.dim(2) : 1;
        int w = shape.rank() > 2 ? shape.dim(shape.rank() - 1) : 1;
        Object[] values = chunkSlots.get();
        values[0] = new Step.Images(images.data(), from, count, c, h, w);
        for (Step step : steps) {
            if (nanos == null) {
                step.run(values);
            } else {
                long start = System.nanoTime();
                step.run(values);
                nanos.computeIfAbsent(step.layer(), k -> new long[1])[0] += System.nanoTime() - start;
            }
        }
        if (values[outputSlot] instanceof Tensor t) {
            System.arraycopy(
                    t.data(),
                    0,
                    out,
                    from * (t.shape().size() / count),
                    t.shape().size());
        } else {
            writeOutput((Acc) values[outputSlot], from, out);
        }
    }

    /** Accumulators times units plus offsets, from NHWC to the output's NCHW (or [N, C]) order. */
    private void writeOutput(Acc acc, int from, float[] out) {
        int c = acc.c();
        int hw = acc.h() * acc.w();
        int per = c * hw;
        int[] v = acc.values();
        for (int b = 0; b < acc.batch(); b++) {
            for (int p = 0; p < hw; p++) {
                for (int j = 0; j < c; j++) {
                    float x = v[(b * hw + p) * c + j] * outputUnits[j];
                    out[(from + b) * per + j * hw + p] = outputOffsets == null ? x : x + outputOffsets[j];
                }
            }
        }
    }

    /** Options of an {@link IntegerEngine}; {@link #build} validates and lowers. */
    public static final class Builder {
        private final Graph graph;
        private final QuantizedGraph quantized;
        private int threads = Runtime.getRuntime().availableProcessors();
        private boolean bitSerial = true;
        private boolean int16 = true;
        private boolean fma = true;
        private boolean fuseActivations = true;
        private KernelPath forced;
        private boolean measure;

        private Builder(Graph graph, QuantizedGraph quantized) {
            this.graph = graph;
            this.quantized = quantized;
        }

        /** Threads for {@link IntegerEngine#predict} (default: all cores). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Whether layers of at most 4-bit operands may run bit-serial (default true). */
        public Builder bitSerial(boolean allowed) {
            this.bitSerial = allowed;
            return this;
        }

        /** Whether layers whose bound allows it may accumulate in int16 (default true). */
        public Builder int16(boolean allowed) {
            this.int16 = allowed;
            return this;
        }

        /**
         * Whether layers the narrower kernels do not take may run on fp32 FMA (default true); false
         * keeps them on the int8 dot-product kernel. Both give the same integers.
         */
        public Builder fma(boolean allowed) {
            this.fma = allowed;
            return this;
        }

        /**
         * Whether a HardSwish between a layer's accumulators and the next layer's input runs in the
         * step that quantizes for that layer, in the accumulators' order (default true); false runs it
         * in a float island in ONNX's layout; true also keeps islands of elementwise nodes (HardSwish,
         * a squeeze-excitation Mul, an Add) in NHWC order ({@link NhwcIslands}). Both give the same codes.
         */
        public Builder fuseActivations(boolean allowed) {
            this.fuseActivations = allowed;
            return this;
        }

        /**
         * Runs every layer that {@code path} computes exactly on it, whatever the rule or a
         * measurement would choose (default none: each layer takes the choice); for comparing paths
         * and pinning one in tests. Layers it cannot compute take the choice.
         */
        public Builder path(KernelPath path) {
            if (path == KernelPath.FLOAT) {
                throw new IllegalArgumentException("FLOAT is not an integer kernel path");
            }
            this.forced = path;
            return this;
        }

        /**
         * Whether {@link #build} times every path that computes a layer exactly on the layer's own
         * shape, with a few synthetic images, and keeps the fastest (default false: the
         * deterministic rule of narrowest safe kernel first). Every path gives the same integers, so
         * the choice never changes an output, only the speed; it costs about 40 ms per layer with
         * several exact paths, worth it where an engine is built once and runs many batches (the
         * {@code bench} command, the benchmarks), not where each engine runs a few.
         */
        public Builder measure(boolean measure) {
            this.measure = measure;
            return this;
        }

        /**
         * The engine.
         *
         * @throws IllegalArgumentException naming the layer or node the engine cannot run
         */
        public IntegerEngine build() {
            return new Lowering(
                            graph,
                            quantized,
                            new LoweringOptions(bitSerial, int16, fma, fuseActivations, forced, measure))
                    .lower(threads);
        }
    }
}
