package org.bitbudget.kernels.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.elementwise.IslandElementwise;
import org.bitbudget.kernels.elementwise.IslandElementwiseFamily;
import org.bitbudget.ops.FloatContext;
import org.bitbudget.ops.Operators;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.sgemm.SgemmFamily;

/**
 * Float islands of elementwise nodes kept in the accumulators' NHWC order: an activation (HardSwish),
 * or an Add or Mul whose operands are such values or a per-channel tensor [N, C, 1, 1] (a
 * squeeze-excitation scale). Each of their float values is the one an island in ONNX's NCHW layout
 * computes, only at another index (the same dequantization, the same float kernel element by
 * element, the same quantization), so the codes are the same; the accumulators skip the move to NCHW
 * and the codes the move back, which cost as much as the island's arithmetic. A GlobalAveragePool of
 * such a value sums each channel in the same spatial order as {@code Pooling.globalAverage}, so its
 * [N, C, 1, 1] output, the same in both layouts, is the same floats. Off with the engine's
 * {@code fuseActivations(false)}, whose NCHW islands are what the tests hold these to.
 */
final class NhwcIslands {
    private final Lowering lowering;
    private final Map<String, Boolean> eligible = new HashMap<>();
    /** Slots of values as NHWC tensors [N, H, W, C]. */
    private final Map<String, Integer> tensors = new HashMap<>();

    NhwcIslands(Lowering lowering) {
        this.lowering = lowering;
    }

    /** Whether {@code value} (rank 4) can be computed as an NHWC float tensor. */
    boolean eligible(String value) {
        if (!lowering.fuseActivations) {
            return false;
        }
        Boolean known = eligible.get(value);
        if (known != null) {
            return known;
        }
        boolean result = check(value);
        eligible.put(value, result);
        return result;
    }

    private boolean check(String value) {
        Node node = lowering.producers.get(value);
        Shape shape = lowering.shape(value);
        if (node == null || shape.rank() != 4) {
            return false;
        }
        if (lowering.integral(value)) {
            return !lowering.channelsLast(value);
        }
        if (!plain(node)) {
            return false;
        }
        if (node.inputs().size() == 1
                && Operators.of(node.op()).asActivation(node.op(), node, lowering.graph.initializers()) != null) {
            return eligible(node.input(0));
        }
        if (node.op() instanceof Op.Binary b
                && b.legacyAxis() < 0
                && (b.kind() == Op.Binary.Kind.ADD || b.kind() == Op.Binary.Kind.MUL)
                && node.inputs().size() == 2) {
            int full = 0;
            for (String in : node.inputs()) {
                if (lowering.shape(in).equals(shape)) {
                    if (!eligible(in)) {
                        return false;
                    }
                    full++;
                } else if (!perChannel(in, shape)) {
                    return false;
                }
            }
            return full > 0;
        }
        return false;
    }

    /**
     * A node with one output, no quantized weights, every input computed by a node, and the same
     * inputs in the fake-quantized graph, so that its island would run it on the values themselves.
     */
    private boolean plain(Node node) {
        if (node.outputs().size() != 1 || lowering.layerOf.containsKey(node.name())) {
            return false;
        }
        Node run = lowering.quantizedNodes.get(node.name());
        if (run != null && !run.inputs().equals(node.inputs())) {
            return false;
        }
        for (String in : node.inputs()) {
            if (!lowering.producers.containsKey(in)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code value} is one float per image and channel of a tensor of {@code shape}. */
    private boolean perChannel(String value, Shape shape) {
        Shape s = lowering.shape(value);
        return s.rank() == 4 && s.dim(0) == 1 && s.dim(1) == shape.dim(1) && s.dim(2) == 1 && s.dim(3) == 1;
    }

    /** Whether {@code node} is a GlobalAveragePool that reads a value kept in NHWC order. */
    boolean averages(Node node) {
        return node.op() instanceof Op.GlobalAveragePool && plain(node) && eligible(node.input(0));
    }

    /** The float tensor [N, C, 1, 1] of a GlobalAveragePool that {@link #averages}. */
    int globalAverage(Node node, String layer) {
        int from = tensorOf(node.input(0), layer);
        int slot = lowering.newSlot();
        lowering.steps.add(
                new Step.FloatNode(layer, new int[] {from}, new Tensor[1], new int[] {slot}, NhwcIslands::average));
        lowering.floatNodes.put(node.name(), node.op().type());
        return slot;
    }

    /**
     * Whether {@code value} already is an NHWC tensor of the plan (an input of another island), whose
     * quantization is cheaper than computing its activation again from the accumulators.
     */
    boolean computed(String value) {
        return tensors.containsKey(value);
    }

    /** An {@link #eligible} value as codes of the consumer's input format, clamped to {@code range}. */
    int codes(String value, LayerQuantization consumer, int[] range) {
        int from = tensorOf(value, consumer.layer().name());
        int slot = lowering.newSlot();
        lowering.steps.add(new Step.QuantizeNhwc(
                consumer.layer().name(),
                from,
                slot,
                consumer.precision().activations().format(),
                consumer.activations(),
                range[0],
                range[1]));
        return slot;
    }

    /** The slot of an {@link #eligible} value as a float tensor [N, H, W, C]. */
    private int tensorOf(String value, String layer) {
        Integer known = tensors.get(value);
        if (known != null) {
            return known;
        }
        Shape shape = lowering.shape(value);
        int[] dims = {1, shape.dim(2), shape.dim(3), shape.dim(1)};
        int slot;
        if (lowering.integral(value)) {
            Lowering.AccValue acc = lowering.accOf(value);
            slot = lowering.newSlot();
            lowering.steps.add(new Step.Dequantize(
                    acc.layer(),
                    acc.slot(),
                    slot,
                    Lowering.floats(acc.unit()),
                    Lowering.floats(acc.offset()),
                    true,
                    dims));
        } else if (dequantizesInto(value)) {
            Node node = lowering.producers.get(value);
            Lowering.AccValue acc = lowering.accOf(node.input(0));
            slot = lowering.newSlot();
            lowering.steps.add(new Step.DequantizeHardSwish(
                    acc.layer(), acc.slot(), slot, Lowering.floats(acc.unit()), Lowering.floats(acc.offset()), dims));
            Node run = lowering.quantizedNodes.getOrDefault(node.name(), node);
            lowering.floatNodes.put(run.name(), run.op().type());
        } else {
            Node node = lowering.producers.get(value);
            Node run = lowering.quantizedNodes.getOrDefault(node.name(), node);
            int[] in = new int[run.inputs().size()];
            int full = -1;
            for (int i = 0; i < in.length; i++) {
                String v = run.input(i);
                if (lowering.shape(v).equals(shape)) {
                    in[i] = tensorOf(v, layer);
                } else {
                    in[i] = lowering.floatOf(v, layer);
                    full = 1 - i;
                }
            }
            slot = lowering.newSlot();
            FloatKernel kernel;
            if (full >= 0) {
                kernel = perChannel(((Op.Binary) run.op()).kind() == Op.Binary.Kind.MUL, full);
            } else if (isHardSwish(run)) {
                kernel = NhwcIslands::hardSwish;
            } else {
                Map<String, Tensor> constants = lowering.quantized.graph().initializers();
                kernel = Operators.of(run.op())
                        .floatKernel(run.op(), new FloatContext(run, constants, SgemmFamily.get(), null));
            }
            lowering.steps.add(new Step.FloatNode(layer, in, new Tensor[in.length], new int[] {slot}, kernel));
            lowering.floatNodes.put(run.name(), run.op().type());
        }
        tensors.put(value, slot);
        return slot;
    }

    /**
     * Whether {@code value} is a HardSwish of accumulators not yet dequantized into NHWC order, which
     * one step then dequantizes and activates.
     */
    private boolean dequantizesInto(String value) {
        Node node = lowering.producers.get(value);
        Node run = lowering.quantizedNodes.getOrDefault(node.name(), node);
        return node.inputs().size() == 1
                && lowering.integral(node.input(0))
                && !tensors.containsKey(node.input(0))
                && isHardSwish(run);
    }

    /** Whether {@code run} (a node of the quantized graph) is a HardSwish. */
    private boolean isHardSwish(Node run) {
        return Operators.of(run.op())
                        .asActivation(run.op(), run, lowering.quantized.graph().initializers())
                instanceof Activation.HardSwish;
    }

    /**
     * A Mul or Add of an NHWC tensor [N, H, W, C] (input {@code full}) and a per-channel one [N, C, 1, 1]
     * or [1, C, 1, 1] (the other input): each value with its image's and channel's, the float operation {@code
     * Elementwise.binary} applies to the same pair in NCHW order (both commute, so the operands' order
     * does not matter).
     */
    static FloatKernel perChannel(boolean multiply, int full) {
        return (in, allocator) -> {
            Tensor x = in[full];
            float[] scale = in[1 - full].data();
            Shape s = x.shape();
            int hw = s.dim(1) * s.dim(2);
            int c = s.dim(3);
            float[] data = x.data();
            float[] out = allocator.take(data.length);
            IslandElementwise kernel = IslandElementwiseFamily.get();
            // One scale per image and channel, or a [1, C, 1, 1] one that every image shares (a
            // constant: shape inference at batch 1 cannot tell the two apart).
            int step = scale.length == c * s.dim(0) ? c : 0;
            for (int b = 0; b < s.dim(0); b++) {
                if (multiply) {
                    kernel.multiplyChannels(hw, c, data, b * hw * c, scale, b * step, out);
                } else {
                    kernel.addChannels(hw, c, data, b * hw * c, scale, b * step, out);
                }
            }
            return new Tensor[] {Tensor.of(s, out)};
        };
    }

    /** HardSwish of a float tensor, on the vector kernel: the float engine's values. */
    static Tensor[] hardSwish(Tensor[] in, Allocator allocator) {
        float[] x = in[0].data();
        float[] out = allocator.take(x.length);
        IslandElementwiseFamily.get().hardSwish(x, out, 0, x.length);
        return new Tensor[] {Tensor.of(in[0].shape(), out)};
    }

    /**
     * GlobalAveragePool of an NHWC tensor into [N, C, 1, 1]: each channel's double sum in spatial
     * order, divided by the count, as {@code Pooling.globalAverage} computes it plane by plane.
     */
    static Tensor[] average(Tensor[] in, Allocator allocator) {
        Shape s = in[0].shape();
        int n = s.dim(0);
        int hw = s.dim(1) * s.dim(2);
        int c = s.dim(3);
        float[] x = in[0].data();
        float[] out = allocator.take(n * c);
        double[] sums = new double[c];
        for (int b = 0; b < n; b++) {
            Arrays.fill(sums, 0);
            for (int p = 0; p < hw; p++) {
                int base = (b * hw + p) * c;
                for (int j = 0; j < c; j++) {
                    sums[j] += x[base + j];
                }
            }
            for (int j = 0; j < c; j++) {
                out[b * c + j] = (float) (sums[j] / hw);
            }
        }
        return new Tensor[] {Tensor.of(Shape.of(n, c, 1, 1), out)};
    }
}
