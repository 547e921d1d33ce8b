package org.bitbudget.engine;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.blocked.BlockedConvolution;
import org.bitbudget.ops.compute.blocked.BlockedDepthwiseConv;
import org.bitbudget.ops.compute.sgemm.BlockedSgemm;
import org.bitbudget.ops.compute.sgemm.BlockedSgemmFamily;
import org.bitbudget.ops.compute.sgemm.PackedWeights;

/**
 * Which values of the fused plan travel in 16-channel blocks (NCHWc16, see
 * {@link org.bitbudget.ops.compute.blocked.ChannelBlocked16}), and the kernels of the steps that read
 * or write them. A value is blocked when its step makes blocked values (a one-group convolution with
 * its fused residual Add and activation, a depthwise convolution with its activation, the Mul of a
 * blocked value by a [N, C, 1, 1] scale) and every step reading it reads blocked values there (those
 * steps at their first input or a convolution's residual, and GlobalAveragePool, whose [N, C, 1, 1]
 * result is NCHW); graph outputs never are. A step reads an NCHW input as is and can still store
 * blocked, and stores NCHW when one of its readers needs NCHW: so a value is reordered back at most
 * once, by the step that makes it. Every other step sees NCHW only.
 *
 * <p>An operator gains a blocked implementation by a kernel that takes and returns blocked tensors and
 * one case in {@link #role} and {@link #kernel}.
 */
final class BlockedPlan {
    /** What this plan needs of a step of the fused plan: its node, fused nodes, value slots and NCHW kernel. */
    record StepView(Node node, List<Node> fused, int[] in, int[] out, FloatKernel kernel) {}

    /** How a step takes part in blocked values. */
    private enum Role {
        /** A one-group convolution: reads its input and residual blocked, makes a blocked value. */
        CONVOLUTION,
        /** A depthwise convolution: reads its input blocked, makes a blocked value. */
        DEPTHWISE,
        /** GlobalAveragePool: reads its input blocked, makes an NCHW value. */
        POOLING,
        /** A Mul: reads its first input blocked (the second is the NCHW scale), makes a blocked value. */
        SCALE,
        /** Everything else: NCHW only. */
        NONE
    }

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
        Role[] roles = steps.stream().map(this::role).toArray(Role[]::new);
        // The true channel count of each value a blocking step makes: a blocked tensor rounds it up.
        int[] channels = new int[slotCount];
        Arrays.fill(channels, -1);
        boolean[] blocked = new boolean[slotCount];
        for (int s = 0; s < steps.size(); s++) {
            StepView step = steps.get(s);
            if (step.out.length != 1 || step.out[0] < 0) {
                continue;
            }
            int made = switch (roles[s]) {
                case CONVOLUTION, DEPTHWISE -> weight(step).shape().dim(0);
                case SCALE -> channels[step.in[0]];
                case POOLING, NONE -> -1;
            };
            if (made > 0) {
                channels[step.out[0]] = made;
                blocked[step.out[0]] = true;
            }
        }
        for (int o : outputSlots) {
            blocked[o] = false;
        }
        // A reader that takes the value where it does not read blocked values keeps it NCHW.
        for (int s = 0; s < steps.size(); s++) {
            StepView step = steps.get(s);
            for (int i = 0; i < step.in.length; i++) {
                int slot = step.in[i];
                if (slot >= 0 && !readsBlocked(roles[s], step, i)) {
                    blocked[slot] = false;
                }
            }
        }
        FloatKernel[] kernels = new FloatKernel[steps.size()];
        for (int s = 0; s < steps.size(); s++) {
            StepView step = steps.get(s);
            if (roles[s] == Role.NONE) {
                continue;
            }
            boolean in = blocked[step.in[0]];
            boolean out = step.out.length == 1 && step.out[0] >= 0 && blocked[step.out[0]];
            boolean res = roles[s] == Role.CONVOLUTION && residual(step) && blocked[step.in[step.in.length - 1]];
            if (in || out || res) {
                kernels[s] = kernel(roles[s], step, in, res, out, channels[step.in[0]]);
            }
        }
        return kernels;
    }

    private Role role(StepView step) {
        if (step.in.length == 0 || step.in[0] < 0) {
            return Role.NONE;
        }
        Op op = step.node.op();
        if (op instanceof Op.Conv conv) {
            Tensor weight = weight(step);
            List<String> names = step.node.inputs();
            boolean hasBias = names.size() > 2 && !names.get(2).isEmpty();
            if (weight == null || (hasBias && graph.initializers().get(names.get(2)) == null)) {
                return Role.NONE;
            }
            Activation activation = activation(step);
            boolean fusable =
                    activation instanceof Activation.HardSwish || BlockedConvolution.bounds(activation) != null;
            if (BlockedConvolution.supports(conv, weight) && fusable) {
                return Role.CONVOLUTION;
            }
            boolean depthwise = weight.shape().rank() == 4
                    && weight.shape().dim(1) == 1
                    && conv.group() == weight.shape().dim(0)
                    && !residual(step);
            return depthwise ? Role.DEPTHWISE : Role.NONE;
        }
        if (op instanceof Op.GlobalAveragePool && step.fused.isEmpty()) {
            return Role.POOLING;
        }
        if (op instanceof Op.Binary binary
                && binary.kind() == Op.Binary.Kind.MUL
                && binary.legacyAxis() < 0
                && step.in.length == 2
                && step.in[1] >= 0
                && step.fused.isEmpty()) {
            return Role.SCALE;
        }
        return Role.NONE;
    }

    /** Whether a step of {@code role} reads input {@code i} blocked when it is. */
    private static boolean readsBlocked(Role role, StepView step, int i) {
        return switch (role) {
            case CONVOLUTION -> i == 0 || (residual(step) && i == step.in.length - 1);
            case DEPTHWISE, POOLING -> i == 0;
            // x * x would need its second operand NCHW as well.
            case SCALE -> i == 0 && step.in[1] != step.in[0];
            case NONE -> false;
        };
    }

    private Tensor weight(StepView step) {
        List<String> names = step.node.inputs();
        return names.size() > 1 ? graph.initializers().get(names.get(1)) : null;
    }

    private Tensor bias(StepView step) {
        List<String> names = step.node.inputs();
        boolean hasBias = names.size() > 2 && !names.get(2).isEmpty();
        return hasBias ? graph.initializers().get(names.get(2)) : null;
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

    /**
     * The kernel of a step of {@code role}; {@code inChannels} is the true channel count of its first
     * input when a blocking step makes it (always so when it is blocked or a SCALE step's result is).
     */
    private FloatKernel kernel(
            Role role, StepView step, boolean inBlocked, boolean residualBlocked, boolean outBlocked, int inChannels) {
        return switch (role) {
            case CONVOLUTION -> convolution(step, inBlocked, residualBlocked, outBlocked);
            case DEPTHWISE ->
                BlockedSteps.depthwise(
                        (Op.Conv) step.node.op(),
                        weight(step),
                        bias(step),
                        activation(step),
                        inBlocked,
                        outBlocked,
                        step.kernel);
            case POOLING -> BlockedSteps.globalAverage(inChannels, step.kernel);
            case SCALE -> BlockedSteps.scale(inChannels, inBlocked, outBlocked, step.kernel);
            case NONE -> throw new IllegalStateException("no blocked kernel for " + step.node);
        };
    }

    private FloatKernel convolution(StepView step, boolean inBlocked, boolean residualBlocked, boolean outBlocked) {
        Op.Conv conv = (Op.Conv) step.node.op();
        Tensor weight = weight(step);
        Tensor bias = bias(step);
        BlockedSgemm gemm = BlockedSgemmFamily.get();
        PackedWeights packed = BlockedConvolution.pack(gemm, weight, bias);
        Activation activation = activation(step);
        // HardSwish is not a clamp the convolution can fuse: it is one pass over the stored result,
        // the pass the NCHW convolution makes too; it maps the padded lanes' +0.0 to +0.0. The blocked
        // depthwise kernel's pass gives the bits of the operator's, in float vectors.
        boolean hardSwish = activation instanceof Activation.HardSwish;
        BlockedDepthwiseConv pass = BlockedDepthwiseConv.get();
        Activation fused = hardSwish ? null : activation;
        boolean addsResidual = residual(step);
        return (in, alloc) -> {
            Tensor result = BlockedConvolution.forward(
                    conv,
                    in[0],
                    inBlocked,
                    weight,
                    bias,
                    gemm,
                    packed,
                    addsResidual ? in[in.length - 1] : null,
                    residualBlocked,
                    fused,
                    outBlocked,
                    alloc);
            if (hardSwish) {
                pass.hardSwish(result.data(), 0, result.data().length);
            }
            return new Tensor[] {result};
        };
    }
}
