package org.bitbudget.kernels.engine;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.elementwise.IslandElementwiseFamily;
import org.bitbudget.kernels.requant.RequantizationThresholds;
import org.bitbudget.kernels.requant.RequantizerFamily;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Window;

/**
 * One step of the integer plan. Steps read and write numbered slots of a batch ({@link Codes},
 * {@link Acc}, the float {@link Images}, or a float {@link Tensor} in ONNX layout inside a float
 * island); the plan runs them in order on every chunk of a batch.
 */
sealed interface Step {

    /** The layer whose time this step counts toward (the layer it feeds or belongs to). */
    String layer();

    /**
     * Runs the step on one chunk's slots. The output slot may still hold the value the step wrote for
     * an earlier chunk on this thread, dead by now; the step may overwrite that value's array.
     */
    void run(Object[] slots);

    /**
     * The codes array of the dead value in {@code old} when it has {@code length} bytes, else a fresh
     * one; the caller writes every element.
     */
    private static byte[] bytes(Object old, int length) {
        return old instanceof Codes c && c.data().length == length ? c.data() : new byte[length];
    }

    /**
     * The accumulator array of the dead value in {@code old} when it has {@code length} entries and is
     * none of the step's {@code inputs}, else a fresh one; the caller writes every element.
     */
    private static int[] ints(Object old, int length, int[]... inputs) {
        if (old instanceof Acc a && a.values().length == length) {
            for (int[] input : inputs) {
                if (input == a.values()) {
                    return new int[length];
                }
            }
            return a.values();
        }
        return new int[length];
    }

    /**
     * The float array of the dead tensor in {@code slots[slot]} when it has {@code length} floats and
     * neither another slot's value nor one of {@code inputs} shares it (a view a later step made of
     * it, or a kernel that returned its input), else a fresh one; the caller writes every element.
     * Fresh arrays for the float islands cost a chunk megabytes of zeroing and cache misses, which
     * two threads pay at once on the shared cache and memory.
     */
    private static float[] floats(Object[] slots, int slot, int length, Tensor... inputs) {
        if (!(slots[slot] instanceof Tensor old) || old.data().length != length) {
            return new float[length];
        }
        float[] array = old.data();
        for (int s = 0; s < slots.length; s++) {
            if (s != slot && slots[s] instanceof Tensor t && t.data() == array) {
                return new float[length];
            }
        }
        for (Tensor input : inputs) {
            if (input != null && input.data() == array) {
                return new float[length];
            }
        }
        return array;
    }

    /**
     * A chunk of float input images, NCHW as the caller gave them.
     *
     * @param data  the whole batch
     * @param from  first image of the chunk
     * @param count images in the chunk
     * @param c     channels
     * @param h     rows
     * @param w     columns
     */
    record Images(float[] data, int from, int count, int c, int h, int w) {}

    /**
     * The float input quantized for one layer, with the float32 steps of the fake quantizer, into
     * NHWC codes clamped to [min, max] (a ReLU or Clip before the layer).
     */
    record Quantize(String layer, int from, int to, NumberFormat format, RangeSearch.Params params, int min, int max)
            implements Step {
        @Override
        public void run(Object[] slots) {
            Images in = (Images) slots[from];
            int hw = in.h() * in.w();
            int per = in.c() * hw;
            byte[] codes = bytes(slots[to], in.count() * per);
            FloatCodes.quantizeNchw(
                    in.data(), in.from() * per, in.count(), in.c(), hw, format, params, min, max, codes);
            slots[to] = new Codes(codes, in.count(), in.h(), in.w(), in.c(), format.minValue() >= 0);
        }
    }

    /**
     * Accumulators requantized per channel to a layer's input format, with a following ReLU or Clip
     * fused as the clamp range [min, max].
     *
     * @param leftShifts  per-channel saturating left shifts before the multiplier, for channels whose
     *                    unit is a code or more; null when every channel's multiplier is below one
     * @param multipliers per-channel Q0.31 multipliers of {@code unit[j] / s_out}
     * @param shifts      per-channel right shifts
     * @param zeroPoint   the layer's input zero point
     * @param unsigned    whether the codes are unsigned
     * @param thresholds  the same requantization as per-channel thresholds when the range is narrow
     *                    (low-bit codes), which it then runs on, else null; thresholds on the sums of
     *                    an unscaled {@link Layer} when it reads them
     */
    record Requantize(
            String layer,
            int from,
            int to,
            int[] leftShifts,
            int[] multipliers,
            int[] shifts,
            int zeroPoint,
            int min,
            int max,
            boolean unsigned,
            RequantizationThresholds thresholds)
            implements Step {
        /** The same requantization on other thresholds (null: on its multipliers). */
        Requantize withThresholds(RequantizationThresholds other) {
            return new Requantize(
                    layer, from, to, leftShifts, multipliers, shifts, zeroPoint, min, max, unsigned, other);
        }

        @Override
        public void run(Object[] slots) {
            Acc acc = (Acc) slots[from];
            int n = acc.c();
            int m = acc.values().length / n;
            byte[] out = bytes(slots[to], acc.values().length);
            if (thresholds != null) {
                RequantizerFamily.get().requantize(m, n, acc.values(), 0, n, thresholds, out, 0, n);
            } else {
                RequantizerFamily.get()
                        .requantize(
                                m,
                                n,
                                acc.values(),
                                0,
                                n,
                                leftShifts,
                                multipliers,
                                shifts,
                                zeroPoint,
                                min,
                                max,
                                out,
                                0,
                                n);
            }
            slots[to] = new Codes(out, acc.batch(), acc.h(), acc.w(), n, unsigned);
        }
    }

    /**
     * A Conv, Gemm or MatMul on codes, into accumulators, or into its exact sums when {@code scaled} is
     * false (for a {@link Requantize} alone reading them, whose thresholds then take the sums: {@link
     * RequantizationFusion}).
     */
    record Layer(String layer, int from, int to, LoweredLayer lowered, boolean scaled) implements Step {
        /** The layer into accumulators. */
        Layer(String layer, int from, int to, LoweredLayer lowered) {
            this(layer, from, to, lowered, true);
        }

        @Override
        public void run(Object[] slots) {
            Codes in = (Codes) slots[from];
            slots[to] = scaled ? lowered.accumulate(in) : lowered.sums(in);
        }
    }

    /**
     * Max pooling on codes, which commutes with the requantization before it because that is monotone;
     * padded positions are skipped, as ONNX's -infinity padding never wins.
     */
    record MaxPool(String layer, int from, int to, Op.Pool pool) implements Step {
        @Override
        public void run(Object[] slots) {
            Codes in = (Codes) slots[from];
            Window win = in.window(
                    pool.kernel(), pool.strides(), pool.pads(), pool.dilations(), pool.autoPad(), pool.ceilMode());
            int c = in.c();
            byte[] out = bytes(slots[to], in.batch() * win.outH() * win.outW() * c);
            int o = 0;
            for (int b = 0; b < in.batch(); b++) {
                int image = b * in.h() * in.w() * c;
                for (int y = 0; y < win.outH(); y++) {
                    for (int x = 0; x < win.outW(); x++) {
                        for (int ch = 0; ch < c; ch++) {
                            int best = Integer.MIN_VALUE;
                            for (int ky = 0; ky < win.kH(); ky++) {
                                int iy = y * win.sH() - win.padTop() + ky * win.dH();
                                for (int kx = 0; kx < win.kW(); kx++) {
                                    int ix = x * win.sW() - win.padLeft() + kx * win.dW();
                                    if (iy >= 0 && iy < in.h() && ix >= 0 && ix < in.w()) {
                                        best = Math.max(best, in.get(image + (iy * in.w() + ix) * c + ch));
                                    }
                                }
                            }
                            out[o++] = (byte) best;
                        }
                    }
                }
            }
            slots[to] = new Codes(out, in.batch(), win.outH(), win.outW(), c, in.unsigned());
        }
    }

    /** ONNX Flatten at axis 1 on codes: NHWC to one row per image in ONNX's (c, h, w) order. */
    record Flatten(String layer, int from, int to) implements Step {
        @Override
        public void run(Object[] slots) {
            Codes in = (Codes) slots[from];
            int hw = in.h() * in.w();
            int per = hw * in.c();
            byte[] out = new byte[in.data().length];
            for (int b = 0; b < in.batch(); b++) {
                for (int p = 0; p < hw; p++) {
                    for (int ch = 0; ch < in.c(); ch++) {
                        out[b * per + ch * hw + p] = in.data()[b * per + p * in.c() + ch];
                    }
                }
            }
            slots[to] = new Codes(out, in.batch(), 1, 1, per, in.unsigned());
        }
    }

    /** A ReLU or Clip on accumulators: each channel clamped to [low[j], high[j]] in its own units. */
    record Clamp(String layer, int from, int to, int[] low, int[] high) implements Step {
        @Override
        public void run(Object[] slots) {
            Acc in = (Acc) slots[from];
            int c = in.c();
            int[] out = ints(slots[to], in.values().length, in.values());
            RequantizerFamily.get().clamp(out.length, c, in.values(), low, high, out);
            slots[to] = new Acc(out, in.batch(), in.h(), in.w(), c);
        }
    }

    /**
     * Average pooling on accumulators (GlobalAveragePool when {@code pool} is null): window sums divided
     * by the window's count, rounded half away from zero; the unit stays that of the input.
     */
    record AveragePool(String layer, int from, int to, Op.Pool pool) implements Step {
        @Override
        public void run(Object[] slots) {
            Acc in = (Acc) slots[from];
            if (pool == null) {
                slots[to] = GlobalAveragePooling.average(in);
                return;
            }
            int c = in.c();
            int[] kernel = pool.kernel();
            // A 1-D window (one kernel size) slides along w, as in Codes.window.
            int[] spatial = kernel.length == 1 ? new int[] {in.w()} : new int[] {in.h(), in.w()};
            Window win = Window.resolve(
                    spatial, kernel, pool.strides(), pool.pads(), pool.dilations(), pool.autoPad(), pool.ceilMode());
            boolean includePad = pool.countIncludePad();
            int[] out = new int[in.batch() * win.outH() * win.outW() * c];
            int o = 0;
            for (int b = 0; b < in.batch(); b++) {
                int image = b * in.h() * in.w() * c;
                for (int y = 0; y < win.outH(); y++) {
                    for (int x = 0; x < win.outW(); x++) {
                        int divisor = win.averageDivisor(y, x, includePad);
                        for (int ch = 0; ch < c; ch++) {
                            long sum = 0;
                            for (int ky = 0; ky < win.kH(); ky++) {
                                int iy = y * win.sH() - win.padTop() + ky * win.dH();
                                for (int kx = 0; kx < win.kW(); kx++) {
                                    int ix = x * win.sW() - win.padLeft() + kx * win.dW();
                                    if (iy >= 0 && iy < in.h() && ix >= 0 && ix < in.w()) {
                                        sum += in.values()[image + (iy * in.w() + ix) * c + ch];
                                    }
                                }
                            }
                            out[o++] = (int) divideRounded(sum, divisor);
                        }
                    }
                }
            }
            slots[to] = new Acc(out, in.batch(), win.outH(), win.outW(), c);
        }

        static long divideRounded(long sum, int divisor) {
            long half = divisor / 2;
            return sum >= 0 ? (sum + half) / divisor : -((-sum + half) / divisor);
        }
    }

    /**
     * A residual Add of two accumulator tensors with per-channel units: each side is rescaled to the
     * output unit by a fixed-point multiplier (null when its unit already is the output unit) with
     * gemmlowp rounding, then added.
     */
    record Add(
            String layer,
            int left,
            int right,
            int to,
            int[] leftMultipliers,
            int[] leftShifts,
            int[] rightMultipliers,
            int[] rightShifts)
            implements Step {
        @Override
        public void run(Object[] slots) {
            Acc a = (Acc) slots[left];
            Acc b = (Acc) slots[right];
            int c = a.c();
            int[] out = ints(slots[to], a.values().length, a.values(), b.values());
            RequantizerFamily.get()
                    .rescaleAdd(
                            out.length,
                            c,
                            a.values(),
                            leftMultipliers,
                            leftShifts,
                            b.values(),
                            rightMultipliers,
                            rightShifts,
                            out);
            slots[to] = new Acc(out, a.batch(), a.h(), a.w(), c);
        }
    }

    /** The chunk's input images as a float tensor of the graph input's rank, for a float island. */
    record FloatInput(String layer, int to, int rank) implements Step {
        @Override
        public void run(Object[] slots) {
            Images in = (Images) slots[0];
            int per = in.c() * in.h() * in.w();
            float[] data = java.util.Arrays.copyOfRange(in.data(), in.from() * per, (in.from() + in.count()) * per);
            Shape shape = switch (rank) {
                case 2 -> Shape.of(in.count(), in.c());
                case 3 -> Shape.of(in.count(), in.c(), in.w());
                default -> Shape.of(in.count(), in.c(), in.h(), in.w());
            };
            slots[to] = Tensor.of(shape, data);
        }
    }

    /**
     * Accumulators to the float tensor they stand for (each times its channel's unit), in ONNX layout:
     * channels moved back to axis 1, or kept last for a Gemm or MatMul output ({@code channelsLast}).
     *
     * @param offsets per-channel real values added (a bias finer than the unit), or null for none
     * @param dims    the value's shape at batch 1
     */
    record Dequantize(String layer, int from, int to, float[] units, float[] offsets, boolean channelsLast, int[] dims)
            implements Step {
        /** One image's NHWC plane on its way to NCHW, kept per thread. */
        private static final ThreadLocal<float[][]> PLANE = ThreadLocal.withInitial(() -> new float[1][0]);

        @Override
        public void run(Object[] slots) {
            Acc acc = (Acc) slots[from];
            int c = acc.c();
            int hw = acc.h() * acc.w();
            int[] v = acc.values();
            float[] out = floats(slots, to, v.length);
            if (channelsLast || hw == 1 || c == 1) {
                RequantizerFamily.get().dequantize(v.length, c, v, 0, units, offsets, out, 0);
            } else {
                // Each image NHWC on the vector kernel into a scratch plane, then moved to NCHW.
                int per = c * hw;
                float[][] own = PLANE.get();
                if (own[0].length < per) {
                    own[0] = new float[per];
                }
                float[] plane = own[0];
                for (int b = 0; b < acc.batch(); b++) {
                    RequantizerFamily.get().dequantize(per, c, v, b * per, units, offsets, plane, 0);
                    for (int j = 0; j < c; j++) {
                        int o = b * per + j * hw;
                        for (int p = 0; p < hw; p++) {
                            out[o + p] = plane[p * c + j];
                        }
                    }
                }
            }
            int[] shape = dims.clone();
            shape[0] = acc.batch();
            slots[to] = Tensor.of(Shape.of(shape), out);
        }
    }

    /**
     * Accumulators through a float activation into a layer's integer input codes, all in the
     * accumulators' NHWC order: each value times its channel's unit (plus offset), the activation's
     * own loop, then {@link QuantizeFloat}'s float32 steps; an island would compute the same values,
     * only moved to ONNX's layout and back.
     */
    record ActivationQuantize(
            String layer,
            int from,
            int to,
            float[] units,
            float[] offsets,
            Activation activation,
            RangeSearch.Params params,
            int min,
            int max,
            boolean unsigned)
            implements Step {
        /** Floats per block: 16 KB, half the L1 data cache. */
        static final int BLOCK_FLOATS = 4096;

        /** The activation's floats, a block's worth, kept per thread. */
        private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[1][0]);

        @Override
        public void run(Object[] slots) {
            Acc acc = (Acc) slots[from];
            int[] v = acc.values();
            int c = acc.c();
            // A block of whole rows at a time: its floats stay in the L1 cache through the three passes.
            int block = Math.max(1, BLOCK_FLOATS / c) * c;
            float[][] own = FLOATS.get();
            if (own[0].length < block) {
                own[0] = new float[block];
            }
            float[] x = own[0];
            byte[] codes = bytes(slots[to], v.length);
            for (int off = 0; off < v.length; off += block) {
                int length = Math.min(block, v.length - off);
                RequantizerFamily.get().dequantize(length, c, v, off, units, offsets, x, 0);
                if (activation instanceof Activation.HardSwish) {
                    IslandElementwiseFamily.get().hardSwish(x, x, 0, length);
                } else {
                    activation.applyInPlace(x, 0, length);
                }
                RequantizerFamily.get()
                        .quantizeFloats(length, x, 0, params.scale(), params.zeroPoint(), min, max, codes, off);
            }
            slots[to] = new Codes(codes, acc.batch(), acc.h(), acc.w(), acc.c(), unsigned);
        }
    }

    /**
     * {@link Dequantize} into the accumulators' NHWC order (a tensor of {@code dims} [1, H, W, C] at
     * batch 1) and HardSwish, a block of rows at a time so that the floats stay in the L1 cache
     * between the two passes: the floats of a Dequantize step and an island's HardSwish node.
     */
    record DequantizeHardSwish(String layer, int from, int to, float[] units, float[] offsets, int[] dims)
            implements Step {
        @Override
        public void run(Object[] slots) {
            Acc acc = (Acc) slots[from];
            int[] v = acc.values();
            int c = acc.c();
            int block = Math.max(1, ActivationQuantize.BLOCK_FLOATS / c) * c;
            float[] out = floats(slots, to, v.length);
            for (int off = 0; off < v.length; off += block) {
                int length = Math.min(block, v.length - off);
                RequantizerFamily.get().dequantize(length, c, v, off, units, offsets, out, off);
                IslandElementwiseFamily.get().hardSwish(out, out, off, off + length);
            }
            int[] shape = dims.clone();
            shape[0] = acc.batch();
            slots[to] = Tensor.of(Shape.of(shape), out);
        }
    }

    /**
     * A float tensor quantized for one layer as {@link Quantize} quantizes the input: into codes with
     * the channels of axis 1 innermost, or of the last axis ({@code channelsLast}, a Gemm or MatMul
     * input, whose other axes all become rows).
     */
    record QuantizeFloat(
            String layer,
            int from,
            int to,
            NumberFormat format,
            RangeSearch.Params params,
            int min,
            int max,
            boolean channelsLast)
            implements Step {
        @Override
        public void run(Object[] slots) {
            Tensor in = (Tensor) slots[from];
            Shape s = in.shape();
            int batch = s.dim(0);
            int c = channelsLast ? s.dim(s.rank() - 1) : s.dim(1);
            int hw = s.size() / Math.max(1, batch * c);
            float[] data = in.data();
            byte[] codes = new byte[data.length];
            if (channelsLast) {
                FloatCodes.quantizeNchw(data, 0, 1, 1, data.length, format, params, min, max, codes);
            } else {
                FloatCodes.quantizeNchw(data, 0, batch, c, hw, format, params, min, max, codes);
            }
            int h = !channelsLast && s.rank() == 4 ? s.dim(2) : 1;
            slots[to] = new Codes(codes, batch, h, hw / h, c, format.minValue() >= 0);
        }
    }

    /**
     * A float island's tensor [N, H, W, C], kept in the accumulators' NHWC order ({@link NhwcIslands}),
     * quantized for a convolution as {@link QuantizeFloat} quantizes: the same codes in the same order.
     */
    record QuantizeNhwc(
            String layer, int from, int to, NumberFormat format, RangeSearch.Params params, int min, int max)
            implements Step {
        @Override
        public void run(Object[] slots) {
            Tensor in = (Tensor) slots[from];
            Shape s = in.shape();
            float[] data = in.data();
            byte[] codes = bytes(slots[to], data.length);
            FloatCodes.quantizeNchw(data, 0, 1, 1, data.length, format, params, min, max, codes);
            slots[to] = new Codes(codes, s.dim(0), s.dim(1), s.dim(2), s.dim(3), format.minValue() >= 0);
        }
    }

    /**
     * One node of a float island, on the float engine's kernel: inputs from slots (or the constant
     * where the slot is negative), outputs into slots (none where negative).
     */
    record FloatNode(String layer, int[] in, Tensor[] constants, int[] out, FloatKernel kernel) implements Step {
        @Override
        public void run(Object[] slots) {
            Tensor[] inputs = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                inputs[i] = in[i] < 0 ? constants[i] : (Tensor) slots[in[i]];
            }
            Tensor[] results;
            try {
                results = kernel.apply(inputs, reusing(slots, inputs));
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new IllegalArgumentException("node " + layer + ": " + e.getMessage(), e);
            }
            for (int o = 0; o < out.length && o < results.length; o++) {
                if (out[o] >= 0) {
                    slots[out[o]] = results[o];
                }
            }
        }

        /**
         * An allocator whose first array is the dead first output's of this step (the array a kernel
         * may write its first result into), when {@link #floats} finds it free; later ones fresh.
         */
        private Allocator reusing(Object[] slots, Tensor[] inputs) {
            if (out.length == 0 || out[0] < 0) {
                return Allocator.FRESH;
            }
            boolean[] taken = {false};
            return size -> {
                if (taken[0]) {
                    return new float[size];
                }
                taken[0] = true;
                return floats(slots, out[0], size, inputs);
            };
        }
    }
}
