package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.IntegerFormat;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.gemm.AccumulatorBounds;
import org.bitbudget.kernels.gemm.IntGemm;
import org.bitbudget.kernels.gemm.IntGemmFamily;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Accumulator-aware quantization against the int16 kernels, on the reference LeNet-5 at W8A8 (int8
 * weights; the first layer's input int8, later inputs uint8):
 * <ul>
 *   <li>with a 16-bit accumulator, every layer's constrained codes take 10^6 adversarial input
 *       vectors each (activations at the format's extreme with the sign of each weight, the opposite
 *       extreme, and random perturbations of both) through the int16 kernel with exactly the int32
 *       kernel's sums: no overflow, and the aligned vectors reach the L1 bound exactly, so the fuzz
 *       is as hard as any input can be;</li>
 *   <li>with a 12-bit accumulator (W4, uint4 inputs), the exact int32 sums of the same kind of
 *       vectors stay within ±(2^11 − 1);</li>
 *   <li>a counter-example: without the constraint, f1's data-type bound needs more than 16 bits,
 *       and the aligned vector makes the int16 kernel's sum differ from the int32 kernel's.</li>
 * </ul>
 */
class AccumulatorAwareFuzzTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);
    private static final int VECTORS = 1_000_000;
    private static Graph graph;
    private static Tensor calibration;

    @BeforeAll
    static void load() throws IOException {
        graph = OnnxImporter.load(SharedFolder.model("lenet5.onnx"));
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 200, 0L, NORMALIZATION);
    }

    static PrecisionConfig config(String weights, int activationBits, int accumulator) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            String activations = (i == 0 ? "int" : "uint") + activationBits;
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse(weights)),
                            QuantizerSpec.activations(NumberFormat.parse(activations)),
                            accumulator));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }

    @Test
    void sixteenBitAccumulatorNeverOverflowsTheInt16Kernel() {
        QuantizedGraph q = FakeQuantization.apply(graph, config("int8", 8, 16), calibration);
        IntGemm kernels = IntGemmFamily.get();
        for (LayerQuantization lq : q.layers()) {
            AccumulatorAware.Result a = lq.accumulator();
            assertNotNull(a, lq.layer().name());
            IntegerFormat in = (IntegerFormat) lq.precision().activations().format();
            int n = a.scales().length;
            int k = a.codes().length / n;
            // All of int8 weights with int8/uint8 inputs: the data-type bound needs more than 16 bits.
            assertTrue(a.dataTypeBits() > 16, lq.layer().name() + " data-type bits " + a.dataTypeBits());
            assertTrue(a.l1Bits() <= 16);
            byte[] w = bytes(a.codes());
            int rows = (VECTORS + n - 1) / n;
            boolean unsigned = in.min() >= 0;
            int za = (int) lq.activations().zeroPoint();
            SplittableRandom random = new SplittableRandom(lq.layer().name().hashCode());
            for (int j = 0; j < n; j++) {
                byte[] x = adversarial(w, j * k, k, rows, in, random);
                int[] narrow = new int[rows];
                int[] wide = new int[rows];
                int[] sums = IntGemm.weightSums(1, k, w, j * k, k);
                if (unsigned) {
                    kernels.gemmU8Int16(rows, 1, k, x, 0, k, za, w, j * k, k, sums, narrow, 0, 1);
                    kernels.gemmU8(rows, 1, k, x, 0, k, za, w, j * k, k, sums, wide, 0, 1);
                } else {
                    kernels.gemmS8Int16(rows, 1, k, x, 0, k, w, j * k, k, narrow, 0, 1);
                    kernels.gemmS8(rows, 1, k, x, 0, k, w, j * k, k, wide, 0, 1);
                }
                assertArrayEquals(wide, narrow, lq.layer().name() + " channel " + j);
                // Row 0 is aligned with the signs: its raw sum (before the zero point) is the L1 bound.
                long raw = wide[0] + (long) za * sums[0];
                long l1 = a.l1()[j];
                assertEquals(unsigned ? positiveSum(w, j * k, k) * in.max() : l1 * in.max(), raw);
                assertTrue(Math.abs(raw) <= Short.MAX_VALUE);
            }
        }
    }

    @Test
    void twelveBitAccumulatorHoldsTheExactSums() {
        QuantizedGraph q = FakeQuantization.apply(graph, config("int4", 4, 12), calibration);
        int limit = (1 << 11) - 1;
        IntGemm scalar = IntGemmFamily.get();
        for (LayerQuantization lq : q.layers()) {
            AccumulatorAware.Result a = lq.accumulator();
            IntegerFormat in = (IntegerFormat) lq.precision().activations().format();
            int n = a.scales().length;
            int k = a.codes().length / n;
            byte[] w = bytes(a.codes());
            int rows = (VECTORS / 10 + n - 1) / n;
            SplittableRandom random = new SplittableRandom(11);
            long worst = 0;
            for (int j = 0; j < n; j++) {
                byte[] x = adversarial(w, j * k, k, rows, in, random);
                int[] wide = new int[rows];
                scalar.gemmS8(rows, 1, k, x, 0, k, w, j * k, k, wide, 0, 1);
                for (int v : wide) {
                    assertTrue(Math.abs(v) <= limit, lq.layer().name() + " channel " + j + ": " + v);
                    worst = Math.max(worst, Math.abs(v));
                }
            }
            assertTrue(AccumulatorBounds.bits(worst) <= 12);
        }
    }

    @Test
    void withoutTheConstraintTheInt16KernelOverflows() {
        QuantizedGraph q = FakeQuantization.apply(graph, config("int8", 8, 32), calibration);
        LayerQuantization f1 = q.layers().get(2);
        assertEquals("/f1/Gemm", f1.layer().name());
        // The plain codes (a budget nothing reaches).
        AccumulatorAware.Result plain = AccumulatorAware.constrain(
                graph.initializers().get(f1.layer().weightName()),
                QuantizedGraph.channelAxis(f1.layer()),
                f1.precision().weights(),
                62,
                255);
        int n = plain.scales().length;
        int k = plain.codes().length / n;
        byte[] w = bytes(plain.codes());
        AccumulatorBounds.ChannelBounds bounds = AccumulatorBounds.perChannel(n, k, w, 0, k, 128);
        int za = (int) f1.activations().zeroPoint();
        IntegerFormat in = (IntegerFormat) f1.precision().activations().format();
        int overflowing = 0;
        for (int j = 0; j < n; j++) {
            assertTrue(bounds.dataTypeBits()[j] > 16, "data-type bound of channel " + j);
            byte[] x = adversarial(w, j * k, k, 1, in, new SplittableRandom(j));
            int[] sums = IntGemm.weightSums(1, k, w, j * k, k);
            int[] narrow = new int[1];
            int[] wide = new int[1];
            IntGemmFamily.get().gemmU8Int16(1, 1, k, x, 0, k, za, w, j * k, k, sums, narrow, 0, 1);
            IntGemmFamily.get().gemmU8(1, 1, k, x, 0, k, za, w, j * k, k, sums, wide, 0, 1);
            overflowing += narrow[0] != wide[0] ? 1 : 0;
        }
        assertTrue(overflowing > 0, "no channel of f1 overflows int16 without the constraint");
        // The same layer constrained for 16 bits passes the fuzz above.
        QuantizedGraph constrained = FakeQuantization.apply(graph, config("int8", 8, 16), calibration);
        assertTrue(constrained.layers().get(2).accumulator().l1Bits() <= 16);
    }

    private static byte[] bytes(int[] codes) {
        byte[] b = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            b[i] = (byte) codes[i];
        }
        return b;
    }

    private static long positiveSum(byte[] w, int off, int k) {
        long s = 0;
        for (int p = 0; p < k; p++) {
            s += Math.max(w[off + p], 0);
        }
        return s;
    }

    /**
     * {@code rows} input vectors of length k for the weight row at {@code w[off, off + k)}: row 0 at
     * the format's maximum where the weight is positive and its minimum elsewhere (the largest sum),
     * row 1 the opposite (the most negative), then alternately perturbations of the two: each value
     * replaced, with probability 1/8, by a random code of the format.
     */
    private static byte[] adversarial(byte[] w, int off, int k, int rows, IntegerFormat in, SplittableRandom random) {
        int hi = in.max();
        int lo = in.min();
        byte[] up = new byte[k];
        byte[] down = new byte[k];
        for (int p = 0; p < k; p++) {
            up[p] = (byte) (w[off + p] > 0 ? hi : lo);
            down[p] = (byte) (w[off + p] > 0 ? lo : hi);
        }
        byte[] x = new byte[rows * k];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(r % 2 == 0 ? up : down, 0, x, r * k, k);
            if (r >= 2) {
                // Eight positions per pair of random longs: a mask byte (1 in 8 taken) and a value byte.
                for (int p0 = 0; p0 < k; p0 += 8) {
                    long mask = random.nextLong();
                    long values = random.nextLong();
                    for (int i = 0; i < 8 && p0 + i < k; i++) {
                        if (((mask >>> (8 * i)) & 7) == 0) {
                            int v = (int) ((values >>> (8 * i)) & 0xFF) % (hi - lo + 1);
                            x[r * k + p0 + i] = (byte) (lo + v);
                        }
                    }
                }
            }
        }
        return x;
    }
}
