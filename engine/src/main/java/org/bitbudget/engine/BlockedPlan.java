package org.bitbudget.engine;

import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.blocked.BlockedConvolution;
import org.bitbudget.ops.compute.sgemm.BlockedSgemm;
import org.bitbudget.ops.compute.sgemm.BlockedSgemmFamily;
import org.bitbudget.ops.compute.sgemm.PackedWeights;

/**
 * Which values of the fused plan travel in 16-channel blocks (NCHWc16, see
 * {@link org.bitbudget.ops.compute.blocked.ChannelBlocked16}), and the kernels of the steps that read
 * or write them. A value is blocked when its step is a blocked convolution (one group, 2-D, constant
 * weights, with its fused residual Add and Relu or Clip) and every step reading it is one too, reading
 * it as its input or its residual; graph outputs never are. A blocked convolution reads an NCHW input
 * in place and can still store blocked, and stores NCHW when one of its readers needs NCHW: so a value
 * is reordered back at most once, by the step that makes it. Every other step sees NCHW only.
 *
 * <p>An operator gains a blocked implementation by a kernel that takes and returns blocked tensors and
 * one case in {@link #accepts} and {@link #kernel}.
 */
final class BlockedPlan {
    /** What this plan needs of a step of the fused plan: its node, fused nodes and value slots. */
    record StepView(Node node, List<Node> fused, int[] in, int[] out) {}

    private final Graph graph;
    private final Fusions fusions;
    private final List<StepView> steps;

    private BlockedPlan(Graph graph, List<StepView> steps) {
        this.graph = graph;
        this.fusions = new Fusions(graph);
        this.steps = steps;
    }

    /**
     * Per step, the kernel to run instead of its NCHW one, or null to keep that: the steps that read
     * or write a blocked value.
     */
    static FloatKernel[] kernels(Graph graph, List<StepView> steps, int[] outputSlots, int slotCount) {
        return new BlockedPlan(graph, steps).kernels(outputSlots, slotCount);
    }

    private FloatKernel[] kernels(int[] outputSlots, int slotCount) {
        boolean[] blocked = new boolean[slotCount];
        for (int s = 0; s < steps.size(); s++) {
            StepView step = steps.get(s);
            if (accepts(step) && step.out.length == 1 && step.out[0] >= 0) {
                blocked[step.out[0]] = true;
            }
        }
        for (int o : outputSlots) {
            blocked[o] = false;
        }
        // A reader that takes the value as anything but a blocked convolution's input or residual
        // keeps it NCHW.
        for (StepView step : steps) {
            boolean convolution = accepts(step);
            for (int i = 0; i < step.in.length; i++) {
                int slot = step.in[i];
                boolean readable = convolution && (i == 0 || (residual(step) && i == step.in.length - 1));
                if (slot >= 0 && !readable) {
                    blocked[slot] = false;
                }
            }
        }
        FloatKernel[] kernels = new FloatKernel[steps.size()];
        for (int s = 0; s < steps.size(); s++) {
            StepView step = steps.get(s);
            if (!accepts(step)) {
                continue;
            }
            boolean in = blocked[step.in[0]];
            boolean out = blocked[step.out[0]];
            boolean res = residual(step) && blocked[step.in[step.in.length - 1]];
            if (in || out || res) {
                kernels[s] = kernel(step, in, res, out);
            }
        }
        return kernels;
    }

    /** Whether the step is a convolution the blocked kernel computes (see {@link BlockedConvolution#supports}). */
    private boolean accepts(StepView step) {
        if (!(step.node.op() instanceof Op.Conv conv)) {
            return false;
        }
        Map<String, Tensor> constants = graph.initializers();
        List<String> names = step.node.inputs();
        Tensor weight = constants.get(names.get(1));
        boolean hasBias = names.size() > 2 && !names.get(2).isEmpty();
        return weight != null
                && (!hasBias || constants.get(names.get(2)) != null)
                && BlockedConvolution.supports(conv, weight)
                && BlockedConvolution.bounds(activation(step)) != null
                && step.in[0] >= 0;
    }

    private static boolean residual(StepView step) {
        return step.fused.stream().anyMatch(n -> n.op() instanceof Op.Binary);
    }

    /** The fused Relu or Clip (or other activation) of the step, or null. */
    private Activation activation(StepView step) {
        for (Node n : step.fused) {
            if (!(n.op() instanceof Op.Binary)) {
                return fusions.activation(n);
            }
        }
        return null;
    }

    private FloatKernel kernel(StepView step, boolean inBlocked, boolean residualBlocked, boolean outBlocked) {
        Op.Conv conv = (Op.Conv) step.node.op();
        List<String> names = step.node.inputs();
        Tensor weight = graph.initializers().get(names.get(1));
        boolean hasBias = names.size() > 2 && !names.get(2).isEmpty();
        Tensor bias = hasBias ? graph.initializers().get(names.get(2)) : null;
        BlockedSgemm gemm = BlockedSgemmFamily.get();
        PackedWeights packed = BlockedConvolution.pack(gemm, weight, bias);
        Activation activation = activation(step);
        boolean addsResidual = residual(step);
        return (in, alloc) -> new Tensor[] {
            BlockedConvolution.forward(
                    conv,
                    in[0],
                    inBlocked,
                    weight,
                    bias,
                    gemm,
                    packed,
                    addsResidual ? in[in.length - 1] : null,
                    residualBlocked,
                    activation,
                    outBlocked,
                    alloc)
        };
    }
}
