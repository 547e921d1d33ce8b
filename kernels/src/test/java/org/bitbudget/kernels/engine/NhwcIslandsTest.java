package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.requant.ScalarRequantizer;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.Pooling;
import org.junit.jupiter.api.Test;

/**
 * {@link NhwcIslands#average} on an NHWC tensor against the float engine's {@link Pooling#globalAverage}
 * on the same values in NCHW order, at awkward sizes (one channel, odd and prime channel counts,
 * 1 x 1 and non-square images, one image) and values of mixed magnitude, where another summation
 * order would round differently: the same floats, bit for bit.
 */
class NhwcIslandsTest {

    @Test
    void nhwcGlobalAverageIsTheNchwOneBitForBit() {
        SplittableRandom random = new SplittableRandom(2026);
        int[][] shapes = {{1, 1, 1, 1}, {3, 1, 1, 5}, {2, 7, 7, 1}, {5, 5, 7, 17}, {4, 14, 14, 16}, {3, 3, 2, 97}};
        for (int[] s : shapes) {
            int batch = s[0];
            int h = s[1];
            int w = s[2];
            int c = s[3];
            float[] nchw = new float[batch * c * h * w];
            float[] nhwc = new float[nchw.length];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < c; j++) {
                    for (int p = 0; p < h * w; p++) {
                        float v = (float) (random.nextDouble(-1, 1) * Math.scalb(1.0, random.nextInt(-20, 20)));
                        nchw[(b * c + j) * h * w + p] = v;
                        nhwc[(b * h * w + p) * c + j] = v;
                    }
                }
            }
            Tensor expected = Pooling.globalAverage(Tensor.of(Shape.of(batch, c, h, w), nchw));
            Tensor actual =
                    NhwcIslands.average(new Tensor[] {Tensor.of(Shape.of(batch, h, w, c), nhwc)}, Allocator.FRESH)[0];
            assertEquals(expected.shape(), actual.shape());
            assertArrayEquals(expected.data(), actual.data(), batch + "x" + h + "x" + w + "x" + c);
        }
    }

    @Test
    void perChannelMulAndAddAreTheBroadcastOnesBitForBit() {
        SplittableRandom random = new SplittableRandom(7);
        int[][] shapes = {{1, 1, 1, 1}, {3, 1, 1, 5}, {2, 7, 7, 1}, {5, 5, 7, 17}, {3, 3, 2, 97}};
        for (int[] s : shapes) {
            // A scale per image and channel ([N, C, 1, 1], the SE branch's) and one shared by every image
            // ([1, C, 1, 1], a constant), which broadcasts over the batch.
            for (boolean shared : new boolean[] {false, true}) {
                int batch = s[0];
                int h = s[1];
                int w = s[2];
                int c = s[3];
                float[] nchw = new float[batch * c * h * w];
                float[] nhwc = new float[nchw.length];
                float[] scale = new float[(shared ? 1 : batch) * c];
                for (int i = 0; i < scale.length; i++) {
                    scale[i] = (float) random.nextDouble(-3, 3);
                }
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < c; j++) {
                        for (int p = 0; p < h * w; p++) {
                            float v = (float) random.nextDouble(-10, 10);
                            nchw[(b * c + j) * h * w + p] = v;
                            nhwc[(b * h * w + p) * c + j] = v;
                        }
                    }
                }
                Tensor perChannel = Tensor.of(Shape.of(shared ? 1 : batch, c, 1, 1), scale);
                Tensor x = Tensor.of(Shape.of(batch, h, w, c), nhwc);
                for (Op.Binary.Kind kind : new Op.Binary.Kind[] {Op.Binary.Kind.MUL, Op.Binary.Kind.ADD}) {
                    boolean multiply = kind == Op.Binary.Kind.MUL;
                    float[] expected = Elementwise.binary(
                                    new Op.Binary(kind, -1), Tensor.of(Shape.of(batch, c, h, w), nchw), perChannel)
                            .data();
                    for (int full = 0; full < 2; full++) {
                        Tensor[] in = full == 0 ? new Tensor[] {x, perChannel} : new Tensor[] {perChannel, x};
                        float[] actual = NhwcIslands.perChannel(multiply, full)
                                .apply(in, Allocator.FRESH)[0]
                                .data();
                        for (int b = 0; b < batch; b++) {
                            for (int j = 0; j < c; j++) {
                                for (int p = 0; p < h * w; p++) {
                                    assertEquals(
                                            Float.floatToRawIntBits(expected[(b * c + j) * h * w + p]),
                                            Float.floatToRawIntBits(actual[(b * h * w + p) * c + j]),
                                            kind + " " + batch + "x" + h + "x" + w + "x" + c
                                                    + (shared ? " shared" : ""));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The blocked steps against the passes they fuse, at sizes whose rows do not fill the blocks
     * evenly (97 and 5 channels, more values than one block, one image): the same floats and codes.
     */
    @Test
    void blockedHardSwishStepsAreTheUnfusedPasses() {
        SplittableRandom random = new SplittableRandom(11);
        int[][] shapes = {{1, 1, 1, 5}, {3, 5, 7, 97}, {2, 14, 14, 16}, {1, 3, 3, 4099}};
        for (int[] s : shapes) {
            int batch = s[0];
            int c = s[3];
            int[] values = new int[batch * s[1] * s[2] * c];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(-(1 << 20), 1 << 20);
            }
            float[] units = new float[c];
            float[] offsets = new float[c];
            for (int j = 0; j < c; j++) {
                units[j] = (float) Math.scalb(random.nextDouble(0.5, 1), -18);
                offsets[j] = (float) random.nextDouble(-0.5, 0.5);
            }
            Object[] slots = {new Acc(values, batch, s[1], s[2], c), null, null, null};
            int[] dims = {1, s[1], s[2], c};
            new Step.Dequantize("l", 0, 1, units, offsets, true, dims).run(slots);
            float[] expected = ((Tensor) slots[1]).data().clone();
            Elementwise.hardSwish(expected, expected, 0, expected.length);
            new Step.DequantizeHardSwish("l", 0, 2, units, offsets, dims).run(slots);
            Tensor fused = (Tensor) slots[2];
            assertEquals(Shape.of(batch, s[1], s[2], c), fused.shape());
            assertArrayEquals(expected, fused.data(), "dequantize and HardSwish at " + c + " channels");
            RangeSearch.Params params = new RangeSearch.Params(0.05f, 3f);
            byte[] codes = new byte[expected.length];
            new ScalarRequantizer().quantizeFloats(expected.length, expected, 0, 0.05f, 3f, 0, 255, codes, 0);
            new Step.ActivationQuantize("l", 0, 3, units, offsets, new Activation.HardSwish(), params, 0, 255, true)
                    .run(slots);
            assertArrayEquals(codes, ((Codes) slots[3]).data(), "activation and quantization at " + c + " channels");
        }
    }
}
