package org.bitbudget.costs.latency;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;

/**
 * Times layers on the project's own engines, one thread: the integer engine when it runs the
 * precision (integer activations and weights of at most 8 bits, see {@link IntegerEngine}), with the
 * kernel it picks per layer (int8, int16 or bit-serial), else the float engine on the fake-quantized
 * graph. Inputs are seeded standard-normal images, which also
 * calibrate the activation ranges (timing does not depend on the values).
 *
 * <p>The float engine's steps are given to layers as the integer engine counts them: a layer's
 * input quantizer and its step (with its fused activation), then every step up to the next layer
 * (pooling, flatten, residual adds); steps before the first layer count in the first layer.
 */
public final class EngineTimer implements LayerTimer {
    private static final int CALIBRATION_IMAGES = 32;
    /** Runs per timed block. */
    static final int BLOCK = 5;
    /** Warm-up time per precision. */
    private static final long WARMUP_NANOS = 300_000_000L;
    /**
     * Warm-up of an engine's first timing in this JVM: until C2 has compiled the Vector API kernels they
     * run many times slower, and on a loaded machine that takes more than a second.
     */
    private static final long FIRST_WARMUP_NANOS = 2_000_000_000L;
    /** Engines timed once already in this JVM. */
    private static final java.util.Set<String> WARMED_UP = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Longest warm-up per precision. */
    private static final long MAX_WARMUP_NANOS = 5_000_000_000L;
    /** Least measuring time per precision. */
    private static final long MEASURE_NANOS = 200_000_000L;

    private final int batch;
    private final int repeats;

    /**
     * @param batch   images per timed run (1 for single-inference latency)
     * @param repeats least timed runs (in blocks of five whose median counts, after a warm-up)
     */
    public EngineTimer(int batch, int repeats) {
        if (batch < 1 || repeats < 1) {
            throw new IllegalArgumentException("batch and repeats must be at least 1");
        }
        this.batch = batch;
        this.repeats = repeats;
    }

    @Override
    public Timing time(Graph graph, Precision precision) {
        Session session = session(graph, precision);
        boolean first = WARMED_UP.add(session.engine());
        return new Timing(
                median(session::block, first ? FIRST_WARMUP_NANOS : WARMUP_NANOS), session.engine(), session.kernels());
    }

    /**
     * A model prepared for timing at one precision on the engine that runs it: per-layer times of
     * one block of runs, and the end-to-end time of one block (for checking that they agree).
     */
    interface Session {
        /** {@code integer} or {@code float}. */
        String engine();

        /** The integer kernel of each layer ({@code int8}, {@code int16}, {@code bit-serial}); empty for float. */
        Map<String, String> kernels();

        /** Mean per-layer milliseconds over {@link #BLOCK} runs. */
        Map<String, Double> block();

        /** Mean end-to-end milliseconds of {@link #BLOCK} whole runs on the same engine and input. */
        double endToEndBlock();
    }

    Session session(Graph graph, Precision precision) {
        PrecisionConfig config = PrecisionConfig.uniform(precision);
        Tensor calibration = images(graph, CALIBRATION_IMAGES, 1);
        Tensor input = images(graph, batch, 2);
        QuantizedGraph quantized = FakeQuantization.apply(graph, config, calibration);
        IntegerEngine integer = null;
        try {
            integer = IntegerEngine.builder(graph, quantized).threads(1).build();
        } catch (IllegalArgumentException refused) {
            // The integer engine does not run this model or precision: measure the float engine.
        }
        List<Layer> layers = graph.layers();
        if (integer != null) {
            IntegerEngine engine = integer;
            Map<String, String> kernels = new LinkedHashMap<>();
            engine.kernels()
                    .forEach((layer, path) -> kernels.put(
                            layer,
                            path.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
            return session(
                    "integer",
                    kernels,
                    () -> {
                        Map<String, Double> all = new LinkedHashMap<>();
                        layers.forEach(l -> all.put(l.name(), 0.0));
                        for (IntegerEngine.LayerTime t : engine.profile(input, BLOCK)) {
                            all.merge(t.layer(), t.milliseconds(), Double::sum);
                        }
                        return all;
                    },
                    () -> engine.predict(input));
        }
        FloatEngine engine = FloatEngine.builder(quantized.graph()).threads(1).build();
        Map<String, Tensor> inputs =
                Map.of(quantized.graph().inputs().getFirst().name(), input);
        return session(
                "float", Map.of(), () -> attribute(layers, engine.profile(inputs, BLOCK)), () -> engine.run(inputs));
    }

    private static Session session(
            String engine,
            Map<String, String> kernels,
            java.util.function.Supplier<Map<String, Double>> block,
            Runnable run) {
        return new Session() {
            public String engine() {
                return engine;
            }

            public Map<String, String> kernels() {
                return kernels;
            }

            public Map<String, Double> block() {
                return block.get();
            }

            public double endToEndBlock() {
                long start = System.nanoTime();
                for (int i = 0; i < BLOCK; i++) {
                    run.run();
                }
                return (System.nanoTime() - start) / 1e6 / BLOCK;
            }
        };
    }

    /**
     * Per-layer medians over blocks of {@link #BLOCK} runs: first warm-up blocks for at least
     * {@code warmupNanos} and until they stop getting faster, then at least
     * {@code repeats} runs and {@link #MEASURE_NANOS}; a median ignores the spikes of a shared machine.
     */
    private Map<String, Double> median(java.util.function.Supplier<Map<String, Double>> block, long warmupNanos) {
        int minBlocks = Math.max(3, Math.ceilDiv(repeats, BLOCK));
        long start = System.nanoTime();
        // Warm up until the recent blocks are as fast as the best so far: the JIT's compiler threads
        // may need seconds on a loaded machine, and a cold first precision would look many times slower.
        List<Double> totals = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        while (true) {
            double t = block.get().values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
            totals.add(t);
            best = Math.min(best, t);
            long elapsed = System.nanoTime() - start;
            if (elapsed > MAX_WARMUP_NANOS) {
                break;
            }
            if (elapsed >= warmupNanos && totals.size() >= 5) {
                double[] recent = totals.subList(totals.size() - 5, totals.size()).stream()
                        .mapToDouble(Double::doubleValue)
                        .sorted()
                        .toArray();
                if (recent[2] <= 1.1 * best) {
                    break;
                }
            }
        }
        List<Map<String, Double>> runs = new ArrayList<>();
        start = System.nanoTime();
        while (runs.size() < minBlocks || (System.nanoTime() - start < MEASURE_NANOS && runs.size() < 1000)) {
            runs.add(block.get());
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String layer : runs.getFirst().keySet()) {
            double[] v = runs.stream()
                    .mapToDouble(r -> r.getOrDefault(layer, 0.0))
                    .sorted()
                    .toArray();
            out.put(layer, v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
        }
        return out;
    }

    /** Gives each step's time to a layer, as the class comment says. */
    static Map<String, Double> attribute(List<Layer> layers, List<FloatEngine.StepTime> steps) {
        Map<String, Double> ms = new LinkedHashMap<>();
        layers.forEach(l -> ms.put(l.name(), 0.0));
        List<String> names = new ArrayList<>(ms.keySet());
        String current = null;
        List<Double> pending = new ArrayList<>();
        for (FloatEngine.StepTime s : steps) {
            String owner = null;
            if (ms.containsKey(s.node())) {
                owner = s.node();
            } else if (s.node().endsWith("/input_quantizer")
                    && ms.containsKey(s.node().substring(0, s.node().length() - "/input_quantizer".length()))) {
                owner = s.node().substring(0, s.node().length() - "/input_quantizer".length());
            }
            if (owner != null) {
                current = owner;
            }
            if (current == null) {
                pending.add(s.milliseconds());
            } else {
                ms.merge(current, s.milliseconds(), Double::sum);
            }
        }
        if (!names.isEmpty()) {
            for (double p : pending) {
                ms.merge(names.getFirst(), p, Double::sum);
            }
        }
        return ms;
    }

    /** Seeded standard-normal images for the graph's input, {@code n} of them. */
    static Tensor images(Graph graph, int n, long seed) {
        ValueInfo in = graph.inputs().getFirst();
        Shape shape = in.shapeForBatch(n);
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) gaussian(random);
        }
        return Tensor.of(shape, v);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
