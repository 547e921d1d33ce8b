package org.bitbudget.ir.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link AccumulatorAware}: the budget formula, the L1 bound of every channel after
 * constraining for P = 10..20 bits on random Gaussian weights (both channel axes, per-channel and
 * per-tensor, max and mse clipping), that codes times scales are the dequantized tensor, that a P at
 * or above the data-type bound changes nothing (bit-identical to {@link WeightQuantizer}), that
 * rounding toward zero never grows a code beyond the unconstrained one, and the Duchi projection
 * threshold.
 */
class AccumulatorAwareTest {

    @Test
    void budgetAndBits() {
        assertEquals(128, AccumulatorAware.l1Budget(16, 255));
        assertEquals(2184, AccumulatorAware.l1Budget(16, 15));
        assertEquals(136, AccumulatorAware.l1Budget(12, 15));
        assertEquals(15, AccumulatorAware.maxInputMagnitude(IntegerFormat.unsigned(4)));
        assertEquals(255, AccumulatorAware.maxInputMagnitude(IntegerFormat.unsigned(8)));
        assertEquals(127, AccumulatorAware.maxInputMagnitude(IntegerFormat.symmetric(8)));
        assertEquals(128, AccumulatorAware.maxInputMagnitude(IntegerFormat.fullRange(8)));
        assertEquals(16, AccumulatorAware.bits(32767));
        assertEquals(17, AccumulatorAware.bits(32768));
    }

    @Test
    void everyChannelMeetsItsBudget() {
        SplittableRandom random = new SplittableRandom(7);
        for (int axis = 0; axis <= 1; axis++) {
            for (Clipping clipping : new Clipping[] {Clipping.MAX, Clipping.MSE}) {
                for (Granularity g : new Granularity[] {Granularity.PER_CHANNEL, Granularity.PER_TENSOR}) {
                    for (int bits : new int[] {3, 4, 8}) {
                        int channels = 12;
                        int k = 150;
                        float[] w = new float[channels * k];
                        for (int i = 0; i < w.length; i++) {
                            w[i] = (float) (random.nextGaussian() * (1 + i % 3));
                        }
                        Shape shape = axis == 0 ? Shape.of(channels, k) : Shape.of(k, channels);
                        Tensor weight = Tensor.of(shape, w);
                        QuantizerSpec spec = new QuantizerSpec(IntegerFormat.symmetric(bits), g, clipping, null);
                        WeightQuantizer.Result plain = WeightQuantizer.quantize(weight, axis, spec);
                        for (int p = 10; p <= 20; p++) {
                            check(weight, axis, spec, p, 15, plain);
                            check(weight, axis, spec, p, 255, plain);
                        }
                    }
                }
            }
        }
    }

    private static void check(
            Tensor weight, int axis, QuantizerSpec spec, int p, long maxInput, WeightQuantizer.Result plain) {
        long budget = AccumulatorAware.l1Budget(p, maxInput);
        IntegerFormat f = (IntegerFormat) spec.format();
        if (budget < f.max()) {
            return;
        }
        AccumulatorAware.Result r = AccumulatorAware.constrain(weight, axis, spec, p, maxInput);
        int channels = r.scales().length;
        int k = r.codes().length / channels;
        float[] out = r.tensor().data();
        float[] before = plain.tensor().data();
        long zeros = 0;
        for (int j = 0; j < channels; j++) {
            long l1 = 0;
            for (int i = 0; i < k; i++) {
                int q = r.codes()[j * k + i];
                l1 += Math.abs(q);
                zeros += q == 0 ? 1 : 0;
                int idx = axis == 0 ? j * k + i : i * channels + j;
                assertEquals(q * r.scales()[j], out[idx], 0f);
                if (r.methods()[j] == AccumulatorAware.Method.PROJECT) {
                    // Round toward zero at the same scale never grows a code.
                    assertTrue(Math.abs(q) <= Math.round(Math.abs(before[idx] / r.scales()[j])));
                }
            }
            assertEquals(l1, r.l1()[j]);
            assertTrue(l1 <= budget, "channel " + j + " L1 " + l1 + " > " + budget);
            assertTrue(AccumulatorAware.bits(l1 * maxInput) <= p);
        }
        assertEquals((double) zeros / r.codes().length, r.sparsity(), 1e-12);
        if (r.dataTypeBits() <= p) {
            assertEquals(0, r.constrainedChannels());
            assertArrayEquals(before, out, 0f);
        }
    }

    @Test
    void tightBudgetsRescaleOrProject() {
        SplittableRandom random = new SplittableRandom(3);
        float[] w = new float[4 * 400];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        Tensor weight = Tensor.of(Shape.of(4, 400), w);
        QuantizerSpec int4 = QuantizerSpec.weights(IntegerFormat.symmetric(4));
        AccumulatorAware.Result r = AccumulatorAware.constrain(weight, 0, int4, 12, 15);
        assertEquals(4, r.constrainedChannels());
        assertTrue(r.sparsity() > 0.5, "sparsity " + r.sparsity());
        assertEquals(136, r.budget());
        assertTrue(r.maxL1() <= 136 && r.l1Bits() <= 12);
        // int8 weights with uint8 inputs at 16 bits: B = 128, one code of 127 leaves almost nothing
        // for the re-scaled form, and thresholding at the fine scale keeps a handful of weights: the
        // coarser scale wins, with codes far below 127.
        QuantizerSpec int8 = QuantizerSpec.weights(IntegerFormat.symmetric(8));
        AccumulatorAware.Result r8 = AccumulatorAware.constrain(weight, 0, int8, 16, 255);
        for (AccumulatorAware.Method m : r8.methods()) {
            assertEquals(AccumulatorAware.Method.SCALE, m);
        }
        assertTrue(r8.maxL1() <= 128);
        float max0 = 0f;
        for (int i = 0; i < 400; i++) {
            max0 = Math.max(max0, Math.abs(w[i]));
        }
        assertTrue(r8.scales()[0] > 2 * max0 / 127, r8.scales()[0] + " vs " + max0 / 127);
        assertThrows(IllegalArgumentException.class, () -> AccumulatorAware.constrain(weight, 0, int8, 8, 255));
        assertThrows(
                IllegalArgumentException.class,
                () -> AccumulatorAware.constrain(
                        weight, 0, QuantizerSpec.weights(NumberFormat.parse("fp8-e4m3")), 16, 255));
    }

    @Test
    void duchiThreshold() {
        double[] a = {3, 1, 0.5, 2};
        double t = AccumulatorAware.projectionThreshold(a, 4);
        double sum = 0;
        for (double v : a) {
            sum += Math.max(v - t, 0);
        }
        assertEquals(4, sum, 1e-12);
        assertEquals(0, AccumulatorAware.projectionThreshold(a, 10));
    }
}
