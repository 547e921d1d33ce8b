package org.bitbudget.costs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.NumberFormats;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.WeightQuantizer;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A number format defined only here, {@code pot4} (power-of-two weights as in logarithmic
 * quantization: 0, ±1, ±2, ±4 … ±64, four bits), registered the public way and run end to end on the
 * reference LeNet-5 without any other file knowing it: a precision config names it; weights quantize
 * onto its grid; size, BOPs and the data-type accumulator bound count its 4 bits and its largest code
 * 64 (size 61,470 × 4 + 236 biases × 32 + 236 scales × 32 = 260,984 bits, as int4; BOPs 416,520 MACs
 * × 4 × 8 = 13,328,640; accumulator: c5's K = 400 × 64 × 255 = 6,528,000 needs 24 bits, where int4's
 * 400 × 7 × 255 needs 21); and since its codes fit int8, the integer engine runs it and agrees with
 * the fake-quant float engine on top-1 for at least 98% of 1,000 Fashion-MNIST test images (8-bit
 * activations, as the int8 engine tests).
 */
class NewNumberFormatEndToEndTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);
    private static final NumberFormat POT4 = new PowerOfTwoFormat();
    private static Graph graph;

    /** 0 and ±2^k for k = 0 … 6, rounded to the nearest value (ties to the larger magnitude). */
    record PowerOfTwoFormat() implements NumberFormat {
        private static final float MAX = 64f;

        public String name() {
            return "pot4";
        }

        public int bits() {
            return 4;
        }

        public double maxValue() {
            return MAX;
        }

        public double minValue() {
            return -MAX;
        }

        public double codeStep() {
            return 1;
        }

        public float quantize(float x) {
            if (Float.isNaN(x)) {
                return x;
            }
            float a = Math.abs(x);
            float lower = lower(a);
            float upper = lower == MAX ? MAX : Math.max(1f, 2 * lower);
            return Math.copySign(a - lower < upper - a ? lower : upper, x);
        }

        public float quantize(float x, RandomGenerator random) {
            if (Float.isNaN(x)) {
                return x;
            }
            float a = Math.min(Math.abs(x), MAX);
            float lower = lower(a);
            float upper = lower == MAX ? MAX : Math.max(1f, 2 * lower);
            boolean up = upper > lower && random.nextFloat() < (a - lower) / (upper - lower);
            return Math.copySign(up ? upper : lower, x);
        }

        /** The largest value at most {@code a} (a ≥ 0). */
        private static float lower(float a) {
            return a >= MAX ? MAX : a < 1f ? 0f : Integer.highestOneBit((int) a);
        }

        public float[] values() {
            float[] v = new float[15];
            for (int k = 0; k <= 6; k++) {
                v[6 - k] = -(1 << k);
                v[8 + k] = 1 << k;
            }
            return v;
        }
    }

    @BeforeAll
    static void register() {
        NumberFormats.register(POT4);
        graph = SharedModels.lenet5();
    }

    @Test
    void theFormatIsWhatItSaysItIs() {
        assertEquals(
                List.of(-64f, -32f, -16f, -8f, -4f, -2f, -1f, 0f, 1f, 2f, 4f, 8f, 16f, 32f, 64f),
                Arrays.asList(box(POT4.values())));
        assertEquals(0f, POT4.quantize(0.49f));
        assertEquals(1f, POT4.quantize(0.5f));
        assertEquals(4f, POT4.quantize(5.9f));
        assertEquals(8f, POT4.quantize(6f));
        assertEquals(-64f, POT4.quantize(-1000f));
        assertTrue(POT4.fitsInt8Codes());
        assertFalse(POT4.isInteger(), "not consecutive integers: an integer MAC does not cost it");
    }

    @Test
    void aPrecisionConfigNamesIt() {
        PrecisionConfig config = PrecisionConfigs.parse(
                "{\"default\": {\"weights\": \"POT4\", \"activations\": " + "\"uint8\"}}", "test", false);
        assertEquals(POT4, config.defaults().weights().format());
        assertEquals(config, PrecisionConfigs.parse(PrecisionConfigs.toJson(config), "round trip", false));
    }

    @Test
    void weightsQuantizeOntoItsGrid() {
        Layer c5 = graph.layers().get(2);
        Tensor w = graph.initializers().get(c5.weightName());
        float[] q = WeightQuantizer.quantize(w, 0, QuantizerSpec.weights(POT4))
                .tensor()
                .data();
        int channels = w.shape().dim(0);
        int k = w.shape().size() / channels;
        assertEquals(400, k);
        for (int ch = 0; ch < channels; ch++) {
            float absMax = 0;
            for (int j = 0; j < k; j++) {
                absMax = Math.max(absMax, Math.abs(w.data()[ch * k + j]));
            }
            // max clipping: the channel's largest |w| is 64 steps.
            double step = absMax / 64.0;
            for (int j = 0; j < k; j++) {
                double code = q[ch * k + j] / step;
                float nearest = (float) Math.rint(code) + 0f; // + 0 makes −0.0, which sorts apart, 0.0
                assertEquals(nearest, code, 1e-4, "channel " + ch + " value " + j);
                assertTrue(Arrays.binarySearch(POT4.values(), nearest) >= 0, code + " is no pot4 value");
            }
        }
    }

    @Test
    void costsCountItsBitsAndItsLargestCode() {
        Precision pot4 =
                new Precision(QuantizerSpec.weights(POT4), QuantizerSpec.activations(NumberFormat.parse("uint8")), 32);
        Precision int4 = new Precision(
                QuantizerSpec.weights(NumberFormat.parse("int4")),
                QuantizerSpec.activations(NumberFormat.parse("uint8")),
                32);
        List<CostModel> models = List.of(new SizeCost(), new BopsCost(), AccumulatorCost.dataType());
        CostTable table = CostTable.of(LayerInfo.of(graph), List.of(pot4, int4), models);
        assertEquals(260_984, table.total(PrecisionConfig.uniform(pot4), "size"));
        assertEquals(416_520.0 * 4 * 8, table.total(PrecisionConfig.uniform(pot4), "bops"));
        assertEquals(24, table.total(PrecisionConfig.uniform(pot4), "accumulator"));
        assertEquals(21, table.total(PrecisionConfig.uniform(int4), "accumulator"));
        assertEquals("pot4/uint8", pot4.label());
    }

    @Test
    void theIntegerEngineRunsItAsTheFakeQuantEngineDoes() throws IOException {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse("pot4")),
                            QuantizerSpec.activations(NumberFormat.parse(i == 0 ? "int8" : "uint8")),
                            32));
        }
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 500, 0L, NORMALIZATION);
        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 1000, NORMALIZATION);
        var quantized = FakeQuantization.apply(graph, new PrecisionConfig(Precision.FLOAT, layers), calibration);
        int[] fake = Classification.predictions(
                FloatEngine.builder(quantized.graph()).threads(2).build().predict(images));
        int[] integer = Classification.predictions(
                IntegerEngine.builder(graph, quantized).threads(2).build().predict(images));
        int agree = 0;
        for (int i = 0; i < fake.length; i++) {
            agree += fake[i] == integer[i] ? 1 : 0;
        }
        assertTrue(agree >= 980, agree + " of 1000 agree");
    }

    private static Float[] box(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
