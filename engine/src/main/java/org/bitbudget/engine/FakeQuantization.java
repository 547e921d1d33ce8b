package org.bitbudget.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.ActivationLayer;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.ActivationEncoding;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Fake quantization calibrated on the float engine: runs calibration images through the float model,
 * keeps a seeded sample of each quantized layer's input (both operands of an activation-only layer),
 * chooses its activation range, and applies the config with {@link QuantizedGraph#of}.
 *
 * <pre>{@code
 * Tensor calibration = Calibration.sample(trainSplit, 1000, 0L, normalization);
 * QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
 * Tensor logits = FloatEngine.of(q.graph()).predict(images);
 * }</pre>
 */
public final class FakeQuantization {
    /** At most this many input values per layer are kept for calibration (a seeded uniform sample). */
    static final int MAX_CALIBRATION_VALUES = 1 << 21;
    /** Images per calibration run, to bound memory. */
    private static final int CALIBRATION_CHUNK = 100;

    private FakeQuantization() {}

    /**
     * Applies {@code config}, with activation ranges calibrated on {@code calibration}; an input whose
     * encoding the config carries ({@link PrecisionConfig#encodings}) takes it and is not calibrated.
     *
     * @param calibration images for activation ranges (unused when no activation is quantized or every
     *                    quantized input has an encoding); may be null then
     */
    public static QuantizedGraph apply(Graph graph, PrecisionConfig config, Tensor calibration) {
        return QuantizedGraph.of(graph, config, calibrate(graph, config, graph.layers(), calibration));
    }

    /**
     * {@code config} carrying the encoding of every quantized input: those it has, and the others
     * calibrated on {@code calibration}. Applying the result needs no calibration images.
     */
    public static PrecisionConfig calibrated(Graph graph, PrecisionConfig config, Tensor calibration) {
        return config.withEncodings(apply(graph, config, calibration).encodings());
    }

    /** Whether applying {@code config} needs calibration images: a quantized input has no encoding. */
    public static boolean needsCalibration(Graph graph, PrecisionConfig config) {
        return !quantizedInputs(graph, config, graph.layers()).keySet().stream()
                .allMatch(config.encodings()::containsKey);
    }

    /** The tensor each quantized input reads, by calibration key. */
    private static Map<String, String> quantizedInputs(Graph graph, PrecisionConfig config, List<Layer> layers) {
        Map<String, String> inputOf = new LinkedHashMap<>();
        for (Layer l : layers) {
            if (config.of(l.name()).activations().quantizes()) {
                inputOf.put(l.name(), l.node().input(0));
            }
        }
        for (ActivationLayer l : graph.activationLayers()) {
            if (config.activationsOf(l.name()).quantizes()) {
                for (int i = 0; i < ActivationLayer.OPERANDS; i++) {
                    inputOf.put(l.operandKey(i), l.node().input(i));
                }
            }
        }
        return inputOf;
    }

    private static Map<String, RangeSearch.Params> calibrate(
            Graph graph, PrecisionConfig config, List<Layer> layers, Tensor calibration) {
        Map<String, String> inputOf = quantizedInputs(graph, config, layers);
        Map<String, QuantizerSpec> specOf = new LinkedHashMap<>();
        for (ActivationLayer l : graph.activationLayers()) {
            QuantizerSpec spec = config.activationsOf(l.name());
            if (spec.quantizes()) {
                for (int i = 0; i < ActivationLayer.OPERANDS; i++) {
                    specOf.put(l.operandKey(i), spec);
                }
            }
        }
        Map<String, RangeSearch.Params> params = new LinkedHashMap<>();
        for (var it = inputOf.entrySet().iterator(); it.hasNext(); ) {
            String key = it.next().getKey();
            ActivationEncoding stored = config.encodings().get(key);
            if (stored != null) {
                QuantizerSpec spec = specOf.getOrDefault(key, config.of(key).activations());
                if (!stored.format().name().equals(spec.format().name())) {
                    throw new UserInputException(
                            "encodings." + key + ".format",
                            "calibrated for " + stored.format().name() + " but the input is quantized as "
                                    + spec.format().name() + "; remove the encoding to calibrate again");
                }
                params.put(key, stored.params());
                it.remove();
            }
        }
        if (inputOf.isEmpty()) {
            return params;
        }
        if (calibration == null || calibration.shape().dim(0) == 0) {
            throw new IllegalArgumentException("activation quantizers need calibration images");
        }
        Map<String, Sample> samples = new LinkedHashMap<>();
        inputOf.values().forEach(v -> samples.putIfAbsent(v, new Sample(new SplittableRandom(v.hashCode()))));
        FloatEngine engine = FloatEngine.builder(graph).threads(1).build();
        String inputName = graph.inputs().getFirst().name();
        Shape shape = calibration.shape();
        int n = shape.dim(0);
        int per = shape.size() / n;
        for (int from = 0; from < n; from += CALIBRATION_CHUNK) {
            int count = Math.min(CALIBRATION_CHUNK, n - from);
            float[] part = java.util.Arrays.copyOfRange(calibration.data(), from * per, (from + count) * per);
            Map<String, Tensor> values =
                    engine.capture(Map.of(inputName, Tensor.of(shape.with(0, count), part)), samples.keySet());
            values.forEach((name, t) -> samples.get(name).add(t.data()));
        }
        for (var e : inputOf.entrySet()) {
            QuantizerSpec spec =
                    specOf.getOrDefault(e.getKey(), config.of(e.getKey()).activations());
            Sample s = samples.get(e.getValue());
            params.put(e.getKey(), RangeSearch.choose(s.values, s.size, spec.format(), spec.clipping()));
        }
        return params;
    }

    /** A seeded uniform sample (reservoir) of at most {@link #MAX_CALIBRATION_VALUES} values. */
    private static final class Sample {
        final SplittableRandom random;
        float[] values = new float[1024];
        int size;
        long seen;

        Sample(SplittableRandom random) {
            this.random = random;
        }

        void add(float[] data) {
            for (float v : data) {
                seen++;
                if (size < MAX_CALIBRATION_VALUES) {
                    if (size == values.length) {
                        values = java.util.Arrays.copyOf(values, Math.min(2 * size, MAX_CALIBRATION_VALUES));
                    }
                    values[size++] = v;
                } else {
                    long j = random.nextLong(seen);
                    if (j < MAX_CALIBRATION_VALUES) {
                        values[(int) j] = v;
                    }
                }
            }
        }
    }
}
